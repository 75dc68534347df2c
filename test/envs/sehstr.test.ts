import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config/validate.js';
import type { EvaluationEvent } from '../../core/events/bus.js';
import type { CachedTableSpec, FileAccess } from '../../core/base/file-access.js';
import { definePlugin, PluginRegistry } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { createSehStr, type SehStrEnv } from '../../envs/sequence/sehstr.js';
import { builtinContributions } from '../../plugins/builtin/contributions.js';
import { evaluatorSubscriber } from '../../plugins/builtin/evaluation.js';
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

// Every value below is from envs/data/README.md (the sEH proxy's check values). The full table of
// 18^6 predictions (~12 s of CPU) is computed once for this file, through the Node host's cache in
// a fresh directory; the environment's tests get it through the host's table hook.
const proxy = loadSehProxy(nodeFileAccess);
/** sha256 of the 18^6 predictions as little-endian float64, computed with the tree-by-tree build that first shipped. */
const SEHSTR_TABLE_SHA256 = '4765a80141e3dc10ec63616c583ae55bd4bb672fe86742a01dd49c52223b8e3d';
const cacheDir = mkdtempSync(join(tmpdir(), 'gfn-seh-cache-'));
let table: Float64Array;
beforeAll(() => {
  table = loadOrComputeTable({ key: SEHSTR_TABLE_KEY, length: proxy.nStrings, compute: () => proxy.predictAll() }, cacheDir).table;
}, 300_000);
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
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

  it('is, value for value, the table of the first release of this proxy (its sha256)', () => {
    // the checksum of the table as first built tree by tree; any faster build must keep every bit
    const record = JSON.parse(readFileSync(join(cacheDir, `${SEHSTR_TABLE_KEY}.json`), 'utf8')) as { sha256: string };
    expect(record.sha256).toBe(SEHSTR_TABLE_SHA256);
    expect(createHash('sha256').update(new Uint8Array(table.buffer)).digest('hex')).toBe(SEHSTR_TABLE_SHA256);
  });

  it('caches the table: reloaded bit for bit, a damaged cache file is recomputed', () => {
    const key = readdirKey(cacheDir);
    expect(existsSync(join(cacheDir, `${key}.f64`))).toBe(true);
    let computed = 0;
    const spec = { key, length: table.length, compute: () => (computed++, table) };
    const again = loadOrComputeTable(spec, cacheDir);
    expect(again.outcome).toBe('loaded');
    expect(computed).toBe(0);
    // every value, compared as bytes
    expect(Buffer.from(again.table.buffer).equals(Buffer.from(table.buffer))).toBe(true);
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

// The environment on the same table, handed over by the host hook as the Node disk cache would;
// the small tables derived from it (the test set) are computed on each request, as without a cache.
let tableRequests = 0;
const files: FileAccess = {
  ...nodeFileAccess,
  cachedTable: (spec) => {
    if (spec.length !== 18 ** 6) return spec.compute();
    tableRequests++;
    return table;
  },
};
let env: SehStrEnv;
beforeAll(() => {
  env = createSehStr({ files });
});

describe('sehstr environment', () => {
  it('is a 6-position, 18-block insert-anywhere sequence task rewarded by the proxy', () => {
    expect([env.ndim, env.nbase, env.nActions, env.maxTrajectoryLength]).toEqual([6, 18, 109, 7]);
    const i = 1_234_567;
    expect(env.logReward(env.sequencesOf([i]))[0]).toBeCloseTo(sehLogReward(table[i]!, 6), 12);
    // the best string "ag550c" has reward 10 by construction
    const best = [10, 16, 5, 5, 0, 12].reduce((acc, b) => acc * 18 + b, 0);
    expect(env.logReward(env.sequencesOf([best]))[0]).toBeCloseTo(Math.log(10), 12);
  });

  it('puts exactly the 34,013 modes at or above its log-space mode cut, for β = 6 and another β', () => {
    for (const exponent of [6, 3]) {
      const e = createSehStr({ files, exponent });
      const cut = e.modeLogRewardThreshold();
      let count = 0;
      for (let i = 0; i < table.length; i++) if (sehLogReward(table[i]!, exponent) >= cut) count++;
      expect(count).toBe(34_013);
      expect(e.modeCount()).toBe(34_013);
    }
  });

  it('knows log Z: the README value for β = 6, the table sum otherwise', () => {
    expect(env.knownLogPartition()).toBe(17.552393997235);
    const e3 = createSehStr({ files, exponent: 3 });
    let z = 0;
    for (let i = 0; i < table.length; i++) z += Math.exp(sehLogReward(table[i]!, 3));
    expect(e3.knownLogPartition()).toBeCloseTo(Math.log(z), 9);
  });

  it('keeps its test set in the host cache: a cached test set needs no prediction table', () => {
    const specs: CachedTableSpec[] = [];
    const kept = new Map<string, Float64Array>();
    // what the draw reports to the host's progress line (printed once a step passes 2 s)
    const fractions: number[] = [];
    const caching: FileAccess = {
      ...nodeFileAccess,
      cachedTable: (spec) => {
        specs.push(spec);
        if (!kept.has(spec.key)) kept.set(spec.key, spec.length === 18 ** 6 ? table : spec.compute((f) => fractions.push(f)));
        return kept.get(spec.key)!;
      },
    };
    const first = createSehStr({ files: caching }).testSet();
    expect(first).toEqual(env.testSet());
    // the test set's draw asked for the prediction table; a later run asks only for the test set
    expect(specs.map((s) => s.length)).toEqual([256, 18 ** 6]);
    expect(specs[0]!.key).toMatch(/-test-beta6-n128-/);
    expect(specs[0]!.description).toMatch(/sEH test set/);
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    specs.length = 0;
    expect(createSehStr({ files: caching }).testSet()).toEqual(first);
    expect(specs.map((s) => s.length)).toEqual([256]);
  });

  it('draws a fixed test set: half from R/Z (high rewards), half uniform', () => {
    const a = env.testSet();
    expect(a).toEqual(env.testSet());
    expect(a.length).toBe(256 * 6);
    const logR = env.logReward(a);
    const mean = (from: number, to: number): number => logR.slice(from, to).reduce((s, v) => s + v, 0) / (to - from);
    // E_{R/Z}[log R] is far above the uniform mean (R is sharpened by β = 6)
    expect(mean(0, 128)).toBeGreaterThan(mean(128, 256) + 1);
  });
});

describe('sehstr training with sampled evaluation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfn-sehstr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains TB-U and reports the sampled metrics against the known log Z and the 34,013 modes', async () => {
    const registry = new PluginRegistry([definePlugin({ name: 'builtin', ...builtinContributions(files), subscribers: [evaluatorSubscriber] })]);
    const config = resolveConfig(
      {
        name: 'sehstr-sampled',
        iterations: 10,
        batchSize: 16,
        env: { name: 'sehstr' },
        objective: { name: 'tb' },
        estimator: { name: 'mlp', hidden: [32, 32] },
        evaluation: { every: 10, atStart: false, samples: 64, maxTestStates: 64, backwardSamples: 4, topK: 10 },
        logging: { dir, progress: 'none' },
      },
      registry,
    );
    const events: EvaluationEvent[] = [];
    await train(config, registry, { beforeRun: (_c, bus) => void bus.evaluation$.subscribe((e) => events.push(e)) });
    expect(events.map((e) => e.method)).toEqual(['sampled']);
    const m = events[0]!.metrics;
    expect(m.logZTrue).toBe(17.552393997235);
    expect(m.modesTotal).toBe(34_013);
    for (const k of ['testSpearman', 'testPearson', 'sampleSpearman', 'elbo', 'logZIs', 'ess', 'topKReward', 'modesFound'])
      expect(Number.isFinite(m[k]), k).toBe(true);
    // the ELBO bounds log Z from below (up to sampling noise on 64 trajectories, it is far below)
    expect(m.elbo!).toBeLessThan(17.552393997235);
    expect(tableRequests).toBeGreaterThan(0);
  }, 120_000);
});
