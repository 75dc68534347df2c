import { describe, expect, it } from 'vitest';
import { hasModeRadius, hasTerminalDistance, hasTestSet } from '../../core/env/capabilities.js';
import { isEnumerable } from '../../core/env/environment.js';
import { Rng } from '../../core/base/rng.js';
import { AppendSequenceEnv } from '../../envs/sequence/append-env.js';
import { hammingDistance } from '../../core/env/capabilities.js';
import { bitsToSymbols, flippedModes, symbolsToBits, wordModes } from '../../envs/sequence/bit-modes.js';
import { createBitSeq } from '../../envs/sequence/bitseq.js';
import { randomAllowed } from '../helpers/random-actions.js';

describe('bit words', () => {
  it('symbols ↔ bits, most significant bit first', () => {
    expect(Array.from(symbolsToBits([5, 0, 3], 3))).toEqual([1, 0, 1, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(bitsToSymbols(symbolsToBits([200, 7, 255], 8), 8))).toEqual([200, 7, 255]);
  });

  it('word modes: distinct concatenations of the given words, seeded', () => {
    const words = ['0000', '1111', '1100'];
    const modes = wordModes(12, 20, words, new Rng(3));
    expect(modes).toEqual(wordModes(12, 20, words, new Rng(3)));
    const rows = new Set<string>();
    for (let m = 0; m < 20; m++) {
      const row = Array.from(modes.subarray(m * 12, m * 12 + 12)).join('');
      rows.add(row);
      for (let j = 0; j < 3; j++) expect(words).toContain(row.slice(4 * j, 4 * j + 4));
    }
    expect(rows.size).toBe(20);
    expect(() => wordModes(12, 28, words, new Rng(0))).toThrow(/28 distinct modes requested, only 27/);
  });

  it('the test set holds each mode and flips exactly c distinct bits of it, c = 1 … n−1', () => {
    const n = 10;
    const modes = wordModes(n, 3, ['00000', '11111', '10101'], new Rng(1));
    const flipped = flippedModes(modes, n, new Rng(2));
    expect(flipped.length).toBe(3 * n * n);
    for (let m = 0; m < 3; m++) {
      for (let c = 0; c < n; c++) {
        const r = m * n + c;
        expect(hammingDistance(flipped.subarray(r * n, r * n + n), modes.subarray(m * n, m * n + n))).toBe(c);
      }
    }
  });
});

describe('bitseq at the literature scale (n = 120, k = 8, 60 word modes)', () => {
  const options = { ndim: 120, codebook: 'words' as const, wordBits: 8, nModes: 60, alpha: 2 / 120, modeRadius: 28 };

  it('insert-anywhere: 15 positions of 256 symbols; modes have log R = 0, their flips −α·c', () => {
    const env = createBitSeq(options);
    expect([env.stateDim, env.nActions, env.obsDim]).toEqual([15, 256 * 15 + 1, 15 * 256]);
    expect(isEnumerable(env) && env.nStates > 1e36).toBe(true);
    expect(hasTestSet(env) && hasTerminalDistance(env) && hasModeRadius(env)).toBe(true);
    const modes = env.modeStates();
    expect(modes.length).toBe(60 * 15);
    for (const v of env.logReward(modes)) expect(v).toBe(0);
    const test = env.testSet();
    // the suite's 7,200 rows: each mode, then c = 1 … 119 flips of it
    expect(test.length).toBe(60 * 120 * 15);
    // a flip of c bits is at most c bits from the nearest mode (another mode may be closer)
    const lr = env.logReward(test.subarray(0, 120 * 15));
    expect(lr[0]).toBe(0);
    for (let c = 1; c < 120; c++) expect(lr[c]).toBeGreaterThanOrEqual(-options.alpha * c - 1e-12);
    expect(env.modeRadius()).toBe(28);
    expect(env.terminalDistance(modes.subarray(0, 15), test.subarray(5 * 15, 6 * 15))).toBe(5);
  });

  it('append: left to right, one parent per state; random trajectories end at full sequences', () => {
    const env = createBitSeq({ ...options, variant: 'append' });
    expect(env).toBeInstanceOf(AppendSequenceEnv);
    expect([env.stateDim, env.nActions]).toEqual([15, 257]);
    const rng = new Rng(4);
    let s: Int32Array = new Int32Array(3 * 15).fill(-1);
    for (let t = 0; t < 15; t++) {
      const mask = env.forwardMask(s);
      for (let i = 0; i < 3; i++) expect(mask[i * 257 + 256]).toBe(0);
      const a = randomAllowed(mask, 256, 257, rng);
      const next = env.step(s, a);
      // the single backward action undoes the step
      const bmask = env.backwardMask(next);
      for (let i = 0; i < 3; i++) {
        expect(bmask.subarray(i * 256, i * 256 + 256).reduce((x, y) => x + y, 0)).toBe(1);
        expect(bmask[i * 256 + a[i]!]).toBe(1);
      }
      expect(env.backwardStep(next, a)).toEqual(s);
      s = next;
    }
    const mask = env.forwardMask(s);
    for (let i = 0; i < 3; i++)
      expect(
        Array.from(mask.subarray(i * 257, i * 257 + 257))
          .map((v, k) => (v ? k : -1))
          .filter((k) => k >= 0),
      ).toEqual([256]);
    expect(env.logReward(s).every((v) => v <= 0 && v >= -2)).toBe(true);
    expect(Array.from(env.isInitial(new Int32Array(15).fill(-1)))).toEqual([1]);
  });

  it('the groups codebook refuses lengths its integers cannot hold', () => {
    expect(() => createBitSeq({ ndim: 40 })).toThrow(/'groups' codebook .* needs ndim <= 30, got 40; use codebook 'words'/);
    expect(() => createBitSeq({ ndim: 12, wordBits: 5 })).toThrow(/wordBits must be an integer in \[1, 16\] dividing ndim 12, got 5/);
  });
});
