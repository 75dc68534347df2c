import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyGradientGFlowNet } from '../../algorithms/policy-based/rl.js';
import { Rng } from '../../core/base/rng.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import type { ExplorationOptions } from '../../core/policy/categorical.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { gatherTransitions } from '../../core/sampling/transitions.js';
import { InThreadTrajectorySource, snapshotParameters } from '../../core/sampling/trajectory-source.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { allForwardActionLists, forwardBatch, gradient, relativeError } from './enumeration.js';
import { EXACT_LOG_Z, exactRlOptions, expectedCost, uniformForwardCostConstants } from './rl-exact-setup.js';

/*
 * The pipelined trainer hands `rl` batches drawn with the parameters of one update before (θ_old,
 * with the sampler's ε and temperature) and their recorded log q(τ). On the 19 trajectories of the
 * grid H = 3, by enumeration, without sampling noise:
 * - the recorded log q(τ) of sampled trajectories is the behaviour's, computed here by hand from
 *   θ_old's logits;
 * - E_q[ĝ(τ)] = Σ_τ q(τ) ĝ(τ), ĝ(τ) the objective's gradient on the one-trajectory batch {τ} with its
 *   recorded log q, is the exact on-policy ∇J_F at the current parameters θ (λ = 1, uncentred
 *   advantages: V is a baseline); without the recorded q it is not.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const EXIT = env.nActions - 1;
const BEHAVIOUR: ExplorationOptions = { epsilon: 0.2, temperature: 1.5 };
const mlp = (outputDim: number, seed: number, name: string): Mlp =>
  new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim, activation: 'relu' }, new Rng(seed), `rl-pipeline/${name}`);

/** log q(τ) of every trajectory of `lists` under `net` with `behaviour`, by hand, in float64. */
function bruteForceLogQ(net: Mlp, lists: number[][], behaviour: ExplorationOptions): Float64Array {
  return Float64Array.from(lists, (acts) => {
    let s: Int32Array = env.s0.slice();
    let logQ = 0;
    for (const a of acts) {
      const logits = tf.tidy(() => net.predict(tf.tensor2d(env.encode(s), [1, env.obsDim])).dataSync());
      const mask = env.forwardMask(s);
      let z = 0;
      let allowed = 0;
      for (let b = 0; b < env.nActions; b++) if (mask[b]) (z += Math.exp(logits[b]! / behaviour.temperature)), allowed++;
      const p = Math.exp(logits[a]! / behaviour.temperature) / z;
      logQ += Math.log((1 - behaviour.epsilon) * p + behaviour.epsilon / allowed);
      if (a !== EXIT) s = env.step(s, Int32Array.from([a]));
    }
    return logQ;
  });
}

/** The action list of trajectory i of a forward batch. */
const actionsOf = (batch: ReturnType<typeof forwardBatch>, i: number): number[] => Array.from({ length: batch.lengths[i]! }, (_, t) => batch.action(t, i));

describe('rl on pipelined batches: importance weights with the recorded behaviour log q(τ)', () => {
  const lists = allForwardActionLists(env);
  let old: Mlp;
  let current: Mlp;
  let logQ: Float64Array;
  beforeAll(() => {
    old = mlp(env.nActions, 7, 'old');
    current = mlp(env.nActions, 8, 'current');
    logQ = bruteForceLogQ(old, lists, BEHAVIOUR);
  });
  afterAll(() => {
    old.dispose();
    current.dispose();
  });

  it('a trajectory source records log q(τ) of each trajectory under the parameters and exploration it was given', async () => {
    expect(lists).toHaveLength(19);
    // q is a distribution over the 19 trajectories
    expect(logQ.reduce((a, b) => a + Math.exp(b), 0)).toBeCloseTo(1, 10);
    // the source's own network starts elsewhere: only the parameters it is handed may count
    const own = mlp(env.nActions, 99, 'source');
    const source = new InThreadTrajectorySource(env, own, new Rng(5));
    source.request({ n: 200, exploration: BEHAVIOUR }, snapshotParameters(old, 3));
    const batch = await source.next();
    expect(batch.parameterVersion).toBe(3);
    expect(batch.exploration).toEqual(BEHAVIOUR);
    const key = (acts: number[]) => acts.join(',');
    const index = new Map(lists.map((acts, k) => [key(acts), k]));
    for (let i = 0; i < batch.trajectories.nTraj; i++) {
      const k = index.get(key(actionsOf(batch.trajectories, i)))!;
      expect(Math.abs(batch.behaviourLogProb[i]! - logQ[k]!)).toBeLessThan(1e-5);
    }
    // the same draws as the plain sampler from the same stream
    const plain = new Sampler(env, old, new Rng(5)).sampleForward(200, BEHAVIOUR);
    expect(batch.trajectories.actions).toEqual(plain.actions);
    await source.close();
    own.dispose();
  });

  it('Σ_τ q(τ) ĝ(τ) with the recorded q is the exact on-policy ∇J_F at the current parameters; without it, not', () => {
    const all = forwardBatch(env, lists);
    const tr = gatherTransitions(all, EXIT);
    const c = uniformForwardCostConstants(env, all, tr, EXACT_LOG_Z);
    const exactGrad = gradient(() => expectedCost(forwardLogProbs(env, current, tr.states, tr.actions), tr, all.nTraj, c), current.variables);
    const value = mlp(1, 21, 'value');
    const objective = new PolicyGradientGFlowNet(
      { env, forward: current, backward: new UniformBackwardPolicy(env), value, sampler: new Sampler(env, current, new Rng(1)) },
      { ...exactRlOptions('uniform'), centerAdvantages: false },
    );
    try {
      const corrected = new Float64Array(exactGrad.length);
      const uncorrected = new Float64Array(exactGrad.length);
      const before = tf.memory().numTensors;
      lists.forEach((acts, k) => {
        const one = forwardBatch(env, [acts]);
        const q = Math.exp(logQ[k]!);
        const g = gradient(objective.forwardLoss(one, true, 0, Float64Array.of(logQ[k]!)).loss, current.variables);
        const g0 = gradient(objective.forwardLoss(one, true, 0).loss, current.variables);
        for (let j = 0; j < g.length; j++) {
          corrected[j]! += q * g[j]!;
          uncorrected[j]! += q * g0[j]!;
        }
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(relativeError(corrected, exactGrad)).toBeLessThan(1e-4);
      expect(relativeError(uncorrected, exactGrad)).toBeGreaterThan(0.05);
    } finally {
      objective.dispose();
    }
  });
});
