import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../core/gym/evaluate-policy.js';
import { gymEnvFactoryOf } from '../../core/gym/gflownet-adapter.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { cartPoleFactory } from '../../envs/cartpole.js';
import { HyperGrid } from '../../envs/hypergrid.js';

describe('evaluatePolicy', () => {
  it('plays complete seeded episodes: the same seed gives the same returns; CartPole returns are lengths', () => {
    const policy = new Mlp({ inputDim: 4, hidden: [8], outputDim: 2, activation: 'tanh' }, new Rng(0), 'eval-policy');
    const a = evaluatePolicy(cartPoleFactory(), policy, { episodes: 5, seed: 3, greedy: false });
    const b = evaluatePolicy(cartPoleFactory(), policy, { episodes: 5, seed: 3, greedy: false });
    expect(a).toEqual(b);
    expect(a.returns).toEqual(a.lengths);
    expect(a.returns.every((r) => r >= 1 && r <= 500)).toBe(true);
    const greedy = evaluatePolicy(cartPoleFactory(), policy, { episodes: 5, seed: 3, greedy: true });
    expect(greedy.returns.length).toBe(5);
    policy.dispose();
  });

  it('respects action masks: on HyperGrid every episode ends with exit and returns log R', () => {
    const env = new HyperGrid({ ndim: 2, height: 4, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const policy = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh' }, new Rng(1), 'eval-grid');
    // greedy actions of an untrained network may push against a border: the mask keeps them valid
    for (const greedy of [true, false]) {
      const { returns, lengths } = evaluatePolicy(gymEnvFactoryOf(env), policy, { episodes: 30, seed: 0, greedy });
      expect(lengths.every((l) => l >= 1 && l <= env.maxTrajectoryLength)).toBe(true);
      for (const r of returns) expect([0.1, 0.6].map(Math.log).some((l) => Math.abs(l - r) < 1e-12)).toBe(true);
    }
    policy.dispose();
  });
});
