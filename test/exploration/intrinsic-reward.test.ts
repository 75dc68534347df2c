import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { IntrinsicRewardObjective, intrinsicWeightAt } from '../../algorithms/exploration/intrinsic-reward.js';
import { RandomNetworkDistillation } from '../../algorithms/exploration/rnd.js';
import type { Objective, TrainingBatch } from '../../core/objectives/objective.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

const env = new HyperGrid({ ndim: 2, height: 8, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
const net = (seed: number, name: string): Mlp =>
  new Mlp({ inputDim: env.obsDim, hidden: [32], outputDim: 8, activation: 'relu' }, new Rng(seed), `rnd-test/${name}`);

/** The states of the grid with s_0 + s_1 ≤ 4 (visited) and ≥ 10 (never visited). */
function regions(): { visited: Int32Array; unvisited: Int32Array } {
  const visited: number[] = [];
  const unvisited: number[] = [];
  for (let a = 0; a < 8; a++) for (let b = 0; b < 8; b++) (a + b <= 4 ? visited : a + b >= 10 ? unvisited : []).push(a, b);
  return { visited: Int32Array.from(visited), unvisited: Int32Array.from(unvisited) };
}

const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length;

describe('random network distillation', () => {
  it('novelty decays on the states it trains on and stays on the others', () => {
    const before = tf.memory().numTensors;
    const rnd = new RandomNetworkDistillation(env, net(1, 'target'), net(2, 'predictor'), 1e-2);
    const { visited, unvisited } = regions();
    const all = new Int32Array([...visited, ...unvisited]);
    // the first call fixes the unit: mean novelty 1 over these states
    expect(mean(rnd.novelty(all))).toBeCloseTo(1, 6);
    const visited0 = mean(rnd.novelty(visited));
    const unvisited0 = mean(rnd.novelty(unvisited));
    for (let k = 0; k < 300; k++) rnd.train(visited);
    const visited1 = mean(rnd.novelty(visited));
    const unvisited1 = mean(rnd.novelty(unvisited));
    console.log(`novelty: visited ${visited0.toFixed(3)} → ${visited1.toFixed(4)}, unvisited ${unvisited0.toFixed(3)} → ${unvisited1.toFixed(3)}`);
    expect(visited1).toBeLessThan(visited0 / 10);
    expect(unvisited1).toBeGreaterThan(5 * visited1);
    rnd.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves and restores its novelty unit', () => {
    const rnd = new RandomNetworkDistillation(env, net(1, 't2'), net(2, 'p2'), 1e-2);
    expect(rnd.saveState()).toEqual({});
    rnd.novelty(regions().visited);
    const saved = rnd.saveState();
    const again = new RandomNetworkDistillation(env, net(1, 't3'), net(2, 'p3'), 1e-2);
    again.loadState(saved);
    expect(Array.from(again.novelty(regions().unvisited))).toEqual(Array.from(rnd.novelty(regions().unvisited)));
    rnd.dispose();
    again.dispose();
  });
});

describe('intrinsic-reward objective', () => {
  it('trains the wrapped objective on log(R(x) + β Σ_t novelty(s_{t+1})) and the predictor on the visited states', () => {
    const seen: TrainingBatch[] = [];
    const inner: Objective = { name: 'tb', update: (b) => (seen.push(b), { loss: 0 }), logZ: () => 1.5, dispose: () => {} };
    const rnd = new RandomNetworkDistillation(env, net(3, 'target'), net(4, 'predictor'), 1e-2);
    const wrapped = new IntrinsicRewardObjective(env, inner, rnd, { weight: 0.2, decayIterations: 100 });
    const batch = new Sampler(
      env,
      new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(6), 'rnd-test/pf'),
      new Rng(7),
    ).sampleForward(32);
    // by hand: β = 0.2 · (1 − 25/100) = 0.15 after 25 updates, i.e. for update number 26
    const beta = intrinsicWeightAt({ weight: 0.2, decayIterations: 100 }, 25);
    expect(beta).toBeCloseTo(0.15, 12);
    const expected = Array.from({ length: batch.nTraj }, (_, i) => {
      let bonus = 0;
      // non-exit steps t reach state t + 1
      for (let t = 0; t + 1 < batch.lengths[i]!; t++) bonus += beta * rnd.novelty(batch.state(t + 1, i).slice())[0]!;
      return Math.log(Math.exp(batch.logRewards[i]!) + bonus);
    });
    const metrics = wrapped.update({ iteration: 26, forward: batch });
    expect(seen).toHaveLength(1);
    Array.from(seen[0]!.forward.logRewards).forEach((l, i) => expect(l).toBeCloseTo(expected[i]!, 9));
    // the same trajectories, only the rewards change; the original batch is untouched
    expect(seen[0]!.forward.states).toBe(batch.states);
    expect(batch.logRewards[0]).toBeCloseTo(env.logReward(batch.terminalStates())[0]!, 12);
    expect(metrics.intrinsicWeight).toBeCloseTo(0.15, 12);
    expect(wrapped.logZ!()).toBe(1.5);
    // after the decay (100 updates completed: update number 101), rewards pass through unchanged
    wrapped.update({ iteration: 101, forward: batch });
    expect(Array.from(seen[1]!.forward.logRewards)).toEqual(Array.from(batch.logRewards));
    wrapped.dispose();
  });
});
