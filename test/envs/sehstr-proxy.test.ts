import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadSehProxy,
  SEHSTR_ALPHABET,
  SEHSTR_MAX_PREDICTION,
  SEHSTR_MODE_REWARD,
  sehLogReward,
  SEHSTR_TABLE_KEY,
} from '../../envs/sequence/sehstr-proxy-data.js';
import { loadOrComputeTable } from '../../plugins/node/table-cache.js';
import { nodeFileAccess } from '../../plugins/node/file-access.js';

// Every value below is from envs/data/README.md (the sEH proxy's check values).
const proxy = loadSehProxy(nodeFileAccess);
const blocks = (s: string): number[] => Array.from(s, (c) => SEHSTR_ALPHABET.indexOf(c));
const name = (index: number): string => Array.from(proxy.digits(index), (d) => SEHSTR_ALPHABET[d]).join('');

describe('sEH proxy: single predictions', () => {
  it('reproduces the two example predictions bit for bit', () => {
    expect(proxy.predict(blocks('012345'))).toBe(4.5417976755419245);
    expect(proxy.predict(blocks('000000'))).toBe(3.498995957437259);
  });

  it('rejects a damaged model file before use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfn-seh-bad-'));
    try {
      const path = join(dir, 'sehstr.gbtr.json');
      writeFileSync(path, readFileSync(nodeFileAccess.shippedDataLocation('sehstr.gbtr.json')).subarray(0, 1000));
      expect(() => loadSehProxy(nodeFileAccess, path)).toThrow(/sehstr\.gbtr\.json.*expected 227611 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sEH proxy: the full table of 18^6 strings', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'gfn-seh-cache-'));
  let table: Float64Array;
  beforeAll(() => {
    table = loadOrComputeTable({ key: SEHSTR_TABLE_KEY, length: proxy.nStrings, compute: () => proxy.predictAll() }, cacheDir).table;
  }, 300_000);
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('agrees with one tree walk per string on a sample of strings', () => {
    for (let k = 0; k < 5000; k++) {
      const i = (k * 6_802_447 + 12_345) % table.length;
      expect(table[i]).toBe(proxy.predictIndex(i));
    }
  });

  it('has its maximum 7.0333 at "ag550c" and its minimum −2.610 at "ce9ccc"', () => {
    let argmax = 0;
    let argmin = 0;
    for (let i = 1; i < table.length; i++) {
      if (table[i]! > table[argmax]!) argmax = i;
      if (table[i]! < table[argmin]!) argmin = i;
    }
    expect(name(argmax)).toBe('ag550c');
    expect(table[argmax]).toBe(SEHSTR_MAX_PREDICTION);
    expect(name(argmin)).toBe('ce9ccc');
    expect(table[argmin]).toBeCloseTo(-2.61, 3);
  });

  it('gives the scale, log Z, the clipped count, E_target[R] and the 34,013 modes', () => {
    const maxPow = Math.max(SEHSTR_MAX_PREDICTION, 1e-3) ** 6;
    expect(maxPow).toBe(121042.38286988804);
    const scale = 10 / maxPow;
    expect(scale).toBe(8.261569016490108e-5);
    let z = 0;
    let sumSq = 0;
    let clipped = 0;
    let modes = 0;
    for (let i = 0; i < table.length; i++) {
      const r = Math.max(table[i]!, 1e-3) ** 6 * scale;
      z += r;
      sumSq += r * r;
      if (table[i]! < 1e-3) clipped++;
      if (r >= SEHSTR_MODE_REWARD) modes++;
    }
    expect(Math.abs(Math.log(z) - 17.552393997235) / 17.552393997235).toBeLessThan(1e-9);
    expect(clipped).toBe(95_647);
    expect(modes).toBe(34_013);
    expect(sumSq / z).toBeCloseTo(2.4545, 4);
    // the log-reward used for training agrees with the README's transform
    expect(sehLogReward(table[123_456]!, 6)).toBeCloseTo(Math.log(Math.max(table[123_456]!, 1e-3) ** 6 * scale), 12);
  });

  it('caches the table: reloaded bit for bit, a damaged cache file is recomputed', () => {
    const key = readdirKey(cacheDir);
    expect(existsSync(join(cacheDir, `${key}.f64`))).toBe(true);
    let computed = 0;
    const spec = { key, length: table.length, compute: () => (computed++, table) };
    const again = loadOrComputeTable(spec, cacheDir);
    expect(again.outcome).toBe('loaded');
    expect(computed).toBe(0);
    for (let i = 0; i < table.length; i += 9973) expect(again.table[i]).toBe(table[i]);
    // flip one byte: the checksum no longer matches, so the table is computed again, not trusted
    const path = join(cacheDir, `${key}.f64`);
    const bytes = readFileSync(path);
    bytes[1000] = bytes[1000]! ^ 0xff;
    writeFileSync(path, bytes);
    expect(loadOrComputeTable(spec, cacheDir).outcome).toBe('recomputed');
    expect(computed).toBe(1);
  }, 120_000);
});

/** The key of the one table cached in this fresh directory. */
function readdirKey(dir: string): string {
  const metas = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(metas).toHaveLength(1);
  expect(JSON.parse(readFileSync(join(dir, metas[0]!), 'utf8')).length).toBe(18 ** 6);
  return metas[0]!.replace(/\.json$/, '');
}
