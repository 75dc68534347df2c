import { describe, expect, it } from 'vitest';
import { BgeScore } from '../../envs/dag/bge.js';
import { syntheticDagData } from '../../envs/dag/data.js';
import { adjacencyKey, enumerateDags } from '../../envs/dag/enumerate.js';
import { structureMcmc } from '../../envs/dag/structure-mcmc.js';

/**
 * Structure MCMC's stationary distribution on d = 3 (25 DAGs) against the exact posterior
 * exp(score(G)) / Σ exp(score). Few, noisy samples keep the posterior spread over many graphs, so
 * that the neighbourhood-size correction matters (the empty graph has 6 neighbours, a chain 0→1→2
 * 4 + …: without the correction the chain is biased towards graphs with few neighbours).
 * Bound: with n kept states and an integrated autocorrelation time τ (in kept states), each
 * frequency's standard error is about √(p(1−p)τ/n), so the expected total variation is about
 * ½·Σ_G √(p(1−p)τ/n). The bound is 2.5 times that with a generous τ = 5 (thin 5 already spaces the
 * kept states): 0.002 measured with the correction, 0.04 without it, the
 * bound ≈ 0.02 in between.
 */
describe('structure MCMC (MC³)', () => {
  const d = 3;
  const data = syntheticDagData({ d, seed: 4, samples: 8, noiseStd: 1 });
  const bge = new BgeScore(data.data, data.nSamples, d);
  const all = enumerateDags(d);
  const scores = Array.from({ length: all.count }, (_, g) => bge.score(all.states, g * d * d));
  const max = Math.max(...scores);
  const z = scores.reduce((s, v) => s + Math.exp(v - max), 0);
  const exact = scores.map((v) => Math.exp(v - max) / z);

  it('the exact posterior is spread (the test can tell the correction from its absence)', () => {
    expect(Math.max(...exact)).toBeLessThan(0.5);
    expect(exact.filter((p) => p > 0.01).length).toBeGreaterThanOrEqual(8);
  });

  it('samples the exact posterior on the 25 DAGs of d = 3 (total variation within 2.5 expected standard errors)', () => {
    const result = structureMcmc(bge, { maxLocalScores: 4_000_000, burnIn: 1000, thin: 5, seed: 7 });
    const n = result.samples.length / (d * d);
    expect(n).toBeGreaterThan(250_000);
    const counts = new Float64Array(all.count);
    for (let s = 0; s < n; s++) counts[all.index.get(adjacencyKey(result.samples, s * d * d, d))!]! += 1;
    let tv = 0;
    for (let g = 0; g < all.count; g++) tv += Math.abs(counts[g]! / n - exact[g]!) / 2;
    const tau = 5;
    const bound = 2.5 * 0.5 * exact.reduce((sum, p) => sum + Math.sqrt((p * (1 - p) * tau) / n), 0);
    expect(bound).toBeLessThan(0.025);
    expect(tv).toBeLessThan(bound);
    expect(result.acceptanceRate).toBeGreaterThan(0.05);
    expect(result.localScores).toBeGreaterThanOrEqual(4_000_000);
  });

  it('is deterministic with the seed and stops at the local-score budget', () => {
    const a = structureMcmc(bge, { maxLocalScores: 2000, burnIn: 0, thin: 1, seed: 3 });
    const b = structureMcmc(bge, { maxLocalScores: 2000, burnIn: 0, thin: 1, seed: 3 });
    expect(Array.from(a.samples)).toEqual(Array.from(b.samples));
    // each proposal asks for 2 (add, delete) or 4 (reverse) local scores
    expect(a.localScores).toBeGreaterThanOrEqual(2000);
    expect(a.localScores).toBeLessThan(2004);
  });
});
