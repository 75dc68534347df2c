import { describe, expect, it } from 'vitest';
import { isEnumerable } from '../../core/env/environment.js';
import { hasModeThreshold } from '../../core/env/capabilities.js';
import { RewardNoise, type RewardNoiseConfig, withRewardNoise } from '../../core/env/reward-noise.js';
import { hasRewardBatch, rewardBatchOf } from '../../core/env/reward-batch.js';
import { environmentView } from '../../core/env/environment-view.js';
import { Rng } from '../../core/base/rng.js';
import { HyperGrid } from '../../envs/hypergrid.js';

const grid = (): HyperGrid => new HyperGrid({ ndim: 2, height: 8, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
const noisy = (config: RewardNoiseConfig, seed = 7): { env: HyperGrid; noise: RewardNoise } => {
  const noise = new RewardNoise(config, new Rng(seed));
  return { env: withRewardNoise(grid(), noise), noise };
};

/** The noise added to log R over `queries` queries of all 64 states: noisy − true, query-major. */
function addedNoise(config: RewardNoiseConfig, queries: number): Float64Array {
  const clean = grid();
  const { env } = noisy(config);
  const states = clean.allStates();
  const truth = clean.logReward(states);
  const out = new Float64Array(queries * truth.length);
  for (let q = 0; q < queries; q++) {
    const lr = env.logReward(states);
    for (let i = 0; i < truth.length; i++) out[q * truth.length + i] = lr[i]! - truth[i]!;
  }
  return out;
}

const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: Float64Array): number => {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
};

describe('reward noise', () => {
  // n = 64 states x 400 queries = 25,600 draws of σ·ε − c. Bounds are 5 standard errors of each
  // statistic for i.i.d. normal draws (a correct implementation fails one with probability < 1e-6;
  // the seed is fixed, so the outcome is deterministic): mean σ/√n, sample variance σ²·√(2/(n−1)),
  // a proportion √(p(1−p)/n), a lag correlation 1/√n.
  const queries = 400;
  const n = 64 * queries;
  for (const [scale, center] of [
    [0.5, 'log'],
    [2, 'log'],
    [1, 'reward'],
  ] as const) {
    it(`adds σ·ε − c with mean −c, variance σ², a normal shape and fresh draws per query (σ = ${scale}, center ${center})`, () => {
      const d = addedNoise({ scale, center }, queries);
      const c = center === 'reward' ? (scale * scale) / 2 : 0;
      expect(Math.abs(mean(d) + c)).toBeLessThan((5 * scale) / Math.sqrt(n));
      expect(Math.abs(variance(d) - scale * scale)).toBeLessThan(5 * scale * scale * Math.sqrt(2 / (n - 1)));
      // the share within one σ of the mean is P(|ε| < 1) = 0.682689 for a normal ε
      const within = d.filter((v) => Math.abs(v + c) < scale).length / n;
      expect(Math.abs(within - 0.682689)).toBeLessThan(5 * Math.sqrt((0.682689 * 0.317311) / n));
      // the same state queried twice in a row gets independent draws
      let cov = 0;
      for (let k = 64; k < n; k++) cov += (d[k]! + c) * (d[k - 64]! + c);
      expect(Math.abs(cov / (n - 64) / (scale * scale))).toBeLessThan(5 / Math.sqrt(n - 64));
    });
  }

  it('with σ = 0 returns the true log-rewards bit for bit, −∞ included', () => {
    const clean = grid();
    const states = clean.allStates();
    const truth = clean.logReward(states);
    for (const center of ['log', 'reward'] as const) {
      const got = noisy({ scale: 0, center }).env.logReward(states);
      expect(Array.from(got)).toEqual(Array.from(truth));
    }
    const noise = new RewardNoise({ scale: 0.5, center: 'log' }, new Rng(1));
    expect(noise.perturb(Float64Array.of(-Infinity, 0))[0]).toBe(-Infinity);
  });

  it('is deterministic for a seed, differs across seeds, and resumes its stream from a saved state', () => {
    const states = grid().allStates();
    const a = noisy({ scale: 1, center: 'log' }, 3);
    const b = noisy({ scale: 1, center: 'log' }, 3);
    expect(Array.from(a.env.logReward(states))).toEqual(Array.from(b.env.logReward(states)));
    expect(Array.from(noisy({ scale: 1, center: 'log' }, 4).env.logReward(states))).not.toEqual(
      Array.from(noisy({ scale: 1, center: 'log' }, 3).env.logReward(states)),
    );
    const saved = a.noise.saveState();
    const next = Array.from(a.env.logReward(states));
    const c = noisy({ scale: 1, center: 'log' }, 99);
    c.noise.loadState(JSON.parse(JSON.stringify(saved)) as Record<string, unknown>);
    expect(Array.from(c.env.logReward(states))).toEqual(next);
  });

  it('keeps every capability of the environment, computed from its true reward', () => {
    const clean = grid();
    const { env } = noisy({ scale: 1, center: 'log' });
    expect(isEnumerable(env) && hasModeThreshold(env)).toBe(true);
    expect(env.name).toBe('hypergrid');
    expect(env.nActions).toBe(clean.nActions);
    // the exact target R/Z and log Z are the true ones: the environment computes them itself
    expect(Array.from(env.trueDistribution())).toEqual(Array.from(clean.trueDistribution()));
    expect(env.logPartition()).toBe(clean.logPartition());
    expect(env.modeLogRewardThreshold()).toBe(clean.modeLogRewardThreshold());
    // ... while a direct query is noisy
    const states = clean.allStates();
    expect(Array.from(env.logReward(states))).not.toEqual(Array.from(clean.logReward(states)));
  });

  it('puts the same noise on a reward read with rewardBatch (a reward service) as on logReward', async () => {
    const clean = grid();
    const states = clean.allStates();
    // an environment whose reward takes time: the true reward, answered asynchronously
    const batched = environmentView(clean, { rewardBatch: async (s: Int32Array) => clean.logReward(s) } as Partial<HyperGrid>);
    const viaBatch = withRewardNoise(batched, new RewardNoise({ scale: 0.5, center: 'reward' }, new Rng(9)));
    expect(hasRewardBatch(viaBatch)).toBe(true);
    const { env } = noisy({ scale: 0.5, center: 'reward' }, 9);
    const expected = [env.logReward(states), env.logReward(states)];
    const got = [await rewardBatchOf(viaBatch)(states, clean.nStates), await rewardBatchOf(viaBatch)(states, clean.nStates)];
    expect(got).toEqual(expected);
    expect(got[0]).not.toEqual(clean.logReward(states));
  });

  it('rejects a negative or non-finite scale', () => {
    expect(() => new RewardNoise({ scale: -0.1, center: 'log' }, new Rng(0))).toThrow(/rewardNoise\.scale.*-0\.1/);
    expect(() => new RewardNoise({ scale: Number.NaN, center: 'log' }, new Rng(0))).toThrow(/rewardNoise\.scale/);
  });
});
