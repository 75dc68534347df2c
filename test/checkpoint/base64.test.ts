import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../core/checkpoint/base64.js';
import { decodeArray } from '../../core/checkpoint/encoding.js';
import { Rng } from '../../core/base/rng.js';

describe('portable base64 of checkpoints', () => {
  it('equals standard base64 (Node Buffer) and round-trips, for every padding case and across chunk boundaries', () => {
    const rng = new Rng(5);
    for (const n of [0, 1, 2, 3, 4, 5, 0x8000 - 1, 0x8000, 0x8000 + 1, 3 * 0x8000 + 7]) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(text)).toEqual(bytes);
    }
  });

  it('rejects text that is not base64', () => {
    expect(() => base64ToBytes('not base64!')).toThrow();
  });
});

describe('decoding a damaged array', () => {
  it('names the array', () => {
    expect(() => decodeArray({ dtype: 'float32', length: 2, base64: 'AAAA*AAA' }, 'float32', "variable 'w'")).toThrow(
      "checkpoint: variable 'w' is not valid base64 (the file is damaged)",
    );
  });
});
