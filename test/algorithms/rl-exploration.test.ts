import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectoryImportanceWeights } from '../../algorithms/policy-based/exploration-terms.js';
import { PolicyGradientGFlowNet, type RlOptions } from '../../algorithms/policy-based/rl.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { behaviourLogProbs } from '../../core/policy/behaviour.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import { Rng } from '../../core/base/rng.js';
import type { ExplorationSchedule } from '../../core/sampling/exploration.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { gatherTransitions } from '../../core/sampling/transitions.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { allForwardActionLists, cosine, forwardBatch, gradient, norm, relativeError } from './enumeration.js';
import { EXACT_LOG_Z, exactRlOptions, expectedCost, uniformForwardCostConstants } from './rl-exact-setup.js';
import { type RecordedRun, recordRun, smallConfig } from '../training/run-helpers.js';

/*
 * Exploration for the on-policy `rl`. Trajectories from a behaviour q (ε = 0.3 mixed with the
 * uniform, logits tempered by T = 2) reweighted by w(τ) = P_F(τ)/q(τ): the objective's sampled
 * gradient must match the exact ∇J_F of the 19-trajectory grid H = 3 (as in rl-exact-gradient),
 * and the same estimate without the weights must not.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const EXIT = env.nActions - 1;
const N = 40_000;
const BEHAVIOUR: ExplorationSchedule = { epsilon: 0.3, epsilonDecayIterations: 0, temperature: 2 };

const options = (importanceWeights: boolean, entropyBonus = 0): RlOptions =>
  exactRlOptions('uniform', { entropyBonus, entropyDecayIterations: 0, importanceWeights });

const mlp = (outputDim: number, seed: number, name: string): Mlp =>
  new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim, activation: 'relu' }, new Rng(seed), `rl-explore/${name}`);

describe('rl with a tempered, ε-mixed behaviour policy and importance weights', () => {
  let forward: Mlp;
  let exactGrad: Float64Array;
  let exactCost: number;
  beforeAll(() => {
    forward = mlp(env.nActions, 101, 'forward');
    // exact J_F = Σ_τ P_F(τ) (log P_F(τ) − log P_B(τ|x) − log R(x) + log Ẑ) by enumeration
    const all = forwardBatch(env, allForwardActionLists(env));
    const tr = gatherTransitions(all, EXIT);
    const c = uniformForwardCostConstants(env, all, tr, EXACT_LOG_Z);
    const expected = (): tf.Scalar => expectedCost(forwardLogProbs(env, forward, tr.states, tr.actions), tr, all.nTraj, c);
    exactGrad = gradient(expected, forward.variables);
    exactCost = tf.tidy(() => expected().dataSync()[0]!);
  });
  afterAll(() => forward.dispose());

  it('behaviour log-probabilities are those of the sampler: (1 − ε) softmax(logits / T) + ε / allowed', () => {
    // by hand for logits (1, 2, 3), all allowed, and for (1, 2, 3) with action 1 masked out
    const lp = behaviourLogProbs([1, 2, 3, 1, 2, 3], Uint8Array.from([1, 1, 1, 1, 0, 1]), 3, [0, 2], { epsilon: 0.3, temperature: 2 });
    const z = Math.exp(0.5) + Math.exp(1) + Math.exp(1.5);
    expect(lp[0]).toBeCloseTo(Math.log((0.7 * Math.exp(0.5)) / z + 0.1), 12);
    expect(lp[1]).toBeCloseTo(Math.log((0.7 * Math.exp(1.5)) / (Math.exp(0.5) + Math.exp(1.5)) + 0.15), 12);
  });

  it('the importance-corrected gradient matches the exact ∇J_F; without the weights it does not', () => {
    const batch = new Sampler(env, forward, new Rng(303)).sampleForward(N, BEHAVIOUR);
    const value = mlp(1, 202, 'value');
    const make = (weights: boolean): PolicyGradientGFlowNet =>
      new PolicyGradientGFlowNet(
        { env, forward, backward: new UniformBackwardPolicy(env), value, sampler: new Sampler(env, forward, new Rng(1)), behaviour: BEHAVIOUR },
        options(weights),
      );
    const corrected = make(true);
    const plain = make(false);
    try {
      expect(corrected.correctsExploration).toBe(true);
      expect(plain.correctsExploration).toBe(false);
      const before = tf.memory().numTensors;
      const withWeights = corrected.forwardLoss(batch, true, 0);
      const est = gradient(withWeights.loss, forward.variables);
      const biased = gradient(plain.forwardLoss(batch, true, 0).loss, forward.variables);
      expect(tf.memory().numTensors).toBe(before);
      console.log(
        `importance-corrected: cosine ${cosine(est, exactGrad).toFixed(4)}, relative error ${relativeError(est, exactGrad).toFixed(4)}; uncorrected: ${relativeError(biased, exactGrad).toFixed(4)} (‖∇J‖ ${norm(exactGrad).toFixed(4)})`,
      );
      expect(cosine(est, exactGrad)).toBeGreaterThan(0.99);
      expect(relativeError(est, exactGrad)).toBeLessThan(0.05);
      expect(relativeError(biased, exactGrad)).toBeGreaterThan(0.2);

      // the log Ẑ gradient: mean of w(τ) Σ_t r_t estimates E_{P_F}[Σ_t r_t] = J_F
      const tr = gatherTransitions(batch, EXIT);
      const logits = tf.tidy(() => forward.predict(tf.tensor2d(env.encode(tr.states), [tr.count, env.obsDim])).dataSync() as Float32Array);
      const mask = env.forwardMask(tr.states);
      const w = trajectoryImportanceWeights(
        behaviourLogProbs(logits, mask, env.nActions, tr.actions, { epsilon: 0, temperature: 1 }),
        behaviourLogProbs(logits, mask, env.nActions, tr.actions, BEHAVIOUR),
        tr.traj,
        batch.nTraj,
      );
      const costs = withWeights.quantities().trajectoryCosts;
      let weighted = 0;
      let meanW = 0;
      for (let i = 0; i < batch.nTraj; i++) {
        weighted += (w[i]! * costs[i]!) / batch.nTraj;
        meanW += w[i]! / batch.nTraj;
      }
      console.log(`E_q[w] = ${meanW.toFixed(4)}; E_q[w Σ r] = ${weighted.toFixed(4)} vs exact J_F ${exactCost.toFixed(4)}`);
      expect(Math.abs(meanW - 1)).toBeLessThan(0.03);
      expect(Math.abs(weighted - exactCost)).toBeLessThan(0.05 * Math.max(1, Math.abs(exactCost)));
      const logZGrad = gradient(withWeights.loss, [corrected.logZVar]);
      expect(logZGrad[0]).toBeCloseTo(weighted, 4);
    } finally {
      plain.dispose();
      corrected.dispose(); // disposes the value network
    }
  });

  it('the entropy bonus adds −α Σ_t H(P_F(·|s_t)) / N to the loss, with its gradient', () => {
    const batch = new Sampler(env, forward, new Rng(9)).sampleForward(64);
    const value = mlp(1, 203, 'value-2');
    const alpha = 0.3;
    const make = (bonus: number): PolicyGradientGFlowNet =>
      new PolicyGradientGFlowNet(
        { env, forward, backward: new UniformBackwardPolicy(env), value, sampler: new Sampler(env, forward, new Rng(1)) },
        options(false, bonus),
      );
    const withBonus = make(alpha);
    const without = make(0);
    try {
      const tr = gatherTransitions(batch, EXIT);
      const mask = env.forwardMask(tr.states);
      // H by hand: −Σ_a p log p over the allowed actions of each visited state
      const entropy = (): tf.Scalar =>
        tf.tidy(() => {
          const logits = forward.apply(tf.tensor2d(env.encode(tr.states), [tr.count, env.obsDim]));
          const allowed = tf.tensor2d(Float32Array.from(mask), [tr.count, env.nActions]);
          const shifted = tf.sub(logits, tf.max(logits, 1, true));
          const e = tf.mul(tf.exp(shifted), allowed);
          const p = tf.div(e, tf.sum(e, 1, true));
          const logp = tf.sub(shifted, tf.log(tf.sum(e, 1, true)));
          return tf.neg(tf.sum(tf.mul(tf.mul(p, logp), allowed))) as tf.Scalar;
        });
      const h = tf.tidy(() => entropy().dataSync()[0]!);
      const lossA = tf.tidy(() => withBonus.forwardLoss(batch).loss().dataSync()[0]!);
      const loss0 = tf.tidy(() => without.forwardLoss(batch).loss().dataSync()[0]!);
      expect(lossA - loss0).toBeCloseTo((-alpha * h) / batch.nTraj, 4);
      const gA = gradient(withBonus.forwardLoss(batch).loss, forward.variables);
      const g0 = gradient(without.forwardLoss(batch).loss, forward.variables);
      const gH = gradient(() => tf.mul(-alpha / batch.nTraj, entropy()) as tf.Scalar, forward.variables);
      expect(
        relativeError(
          gA.map((v, k) => v - g0[k]!),
          gH,
        ),
      ).toBeLessThan(1e-3);
    } finally {
      without.dispose();
      withBonus.dispose();
    }
  });
});

describe('the trainer lets rl explore only with importance weights', () => {
  it('rl with importanceWeights trains under ε and temperature; without them it is refused', async () => {
    const exploring = { sampler: { epsilon: 0.2, temperature: 1.5 }, evaluation: { every: 0 } };
    const run: RecordedRun = await recordRun(
      smallConfig({ iterations: 3, objective: { name: 'rl', backward: 'uniform', importanceWeights: true }, ...exploring }),
    );
    expect(run.iterations).toHaveLength(3);
    expect(() => smallConfig({ iterations: 3, objective: { name: 'rl', backward: 'uniform' }, ...exploring })).toThrow(/on-policy.*importanceWeights/);
    expect(() =>
      smallConfig({
        iterations: 3,
        objective: { name: 'rl', backward: 'uniform', importanceWeights: true },
        localSearch: { share: 0.5 },
        evaluation: { every: 0 },
      }),
    ).toThrow(/field "localSearch\.share" = 0\.5: objective 'rl' is on-policy/);
  });
});
