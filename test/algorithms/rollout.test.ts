import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RolloutCollector, segmentAdvantages } from '../../algorithms/baselines/rollout.js';
import { gymEnvFactoryOf } from '../../core/gym/gflownet-adapter.js';
import { VectorEnv } from '../../core/gym/vector-env.js';
import { maskedLogProbsOf } from '../../core/policy/categorical.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { readValues } from '../../core/tensor/read.js';
import { HyperGrid } from '../../envs/hypergrid.js';

describe('segmentAdvantages (GAE over a step-major rollout)', () => {
  it('cuts segments at terminations (no bootstrap), truncations (V(final)) and the rollout end (V(next)); by hand', () => {
    // 2 copies x 3 steps, row t·2 + e; γ = 0.9, λ = 0.5
    //   copy 0: r = (1, 1, 1), V = (0.5, 0.4, 0.3), terminated at t = 1, rollout ends at t = 2 (V(next) = 2)
    //   copy 1: r = (1, 2, 3), V = (1, 1, 1), truncated at t = 0 (V(final) = 5), rollout ends at t = 2 (V(next) = −1)
    // copy 0, t = 1: δ = 1 − 0.4 = 0.6;            t = 0: δ = 1 + 0.9·0.4 − 0.5 = 0.86, A = 0.86 + 0.45·0.6 = 1.13
    //         t = 2: δ = 1 + 0.9·2 − 0.3 = 2.5
    // copy 1, t = 0: δ = 1 + 0.9·5 − 1 = 4.5
    //         t = 2: δ = 3 + 0.9·(−1) − 1 = 1.1;   t = 1: δ = 2 + 0.9·1 − 1 = 1.9, A = 1.9 + 0.45·1.1 = 2.395
    const { advantages, returns } = segmentAdvantages({
      nSteps: 3,
      nEnvs: 2,
      rewards: [1, 1, 1, 2, 1, 3],
      values: [0.5, 1, 0.4, 1, 0.3, 1],
      ends: Uint8Array.from([0, 2, 1, 0, 0, 0]),
      truncationValues: [0, 5, 0, 0, 0, 0],
      lastValues: [2, -1],
      gamma: 0.9,
      lambda: 0.5,
    });
    const expectedA = [1.13, 4.5, 0.6, 2.395, 2.5, 1.1];
    const values = [0.5, 1, 0.4, 1, 0.3, 1];
    expectedA.forEach((a, k) => {
      expect(Math.abs(advantages[k]! - a), `advantage ${k}`).toBeLessThan(1e-12);
      // value targets: A + V (the λ-return)
      expect(Math.abs(returns[k]! - (a + values[k]!)), `return ${k}`).toBeLessThan(1e-12);
    });
  });
});

describe('RolloutCollector on a GFlowNet environment through the adapter', () => {
  it('records allowed actions with their log-probabilities; exit steps target log R (γ = 1); episodes continue across rollouts', () => {
    const env = new HyperGrid({ ndim: 2, height: 4, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const rng = new Rng(0);
    const policy = new Mlp({ inputDim: env.obsDim, hidden: [16], outputDim: env.nActions, activation: 'tanh' }, rng, 'test-policy');
    const value = new Mlp({ inputDim: env.obsDim, hidden: [16], outputDim: 1, activation: 'tanh' }, rng, 'test-value');
    const vec = new VectorEnv(gymEnvFactoryOf(env), 3);
    const collector = new RolloutCollector(vec, policy, value, new Rng(1), 0);
    let episodes = 0;
    let exits = 0;
    for (let call = 0; call < 3; call++) {
      const r = collector.collect(20, 1, 0.95);
      const rows = 60;
      expect(r.actions.length).toBe(rows);
      const logits = readValues(() => policy.predict(tf.tensor2d(r.observations, [rows, env.obsDim])));
      const expectedLogProbs = maskedLogProbsOf(logits, r.masks, env.nActions, r.actions);
      for (let k = 0; k < rows; k++) {
        expect(r.masks[k * env.nActions + r.actions[k]!]).toBe(1);
        expect(Math.abs(r.logProbs[k]! - expectedLogProbs[k]!)).toBeLessThan(1e-5);
        if (r.actions[k] === env.nActions - 1) {
          exits++;
          // the observation is the K-hot encoding of the state exited from; its target is its log R
          const obs = r.observations.subarray(k * env.obsDim, (k + 1) * env.obsDim);
          const state = Int32Array.from({ length: 2 }, (_, c) => obs.subarray(c * 4, c * 4 + 4).indexOf(1));
          expect(r.rewards[k]).toBe(env.logReward(state)[0]);
          expect(Math.abs(r.returns[k]! - r.rewards[k]!)).toBeLessThan(1e-6);
        } else expect(r.rewards[k]).toBe(0);
      }
      r.episodeReturns.forEach((g) => expect([0.1, 0.6, 2.6].map(Math.log).some((l) => Math.abs(l - g) < 1e-12)).toBe(true));
      episodes += r.episodeReturns.length;
    }
    // every exit finishes exactly one episode, whichever rollout it started in
    expect(episodes).toBe(exits);
    expect(episodes).toBeGreaterThan(10);
    policy.dispose();
    value.dispose();
  });
});
