/**
 * The fixed point of Sub-EB on an enumerable grid: v(s) = log F(s) − log Z.
 *
 * On the 2-D HyperGrid with H = 3 (9 states, 19 complete trajectories) with a uniform P_B, the
 * exact state flow is F(s) = R(s) + Σ_{children s'} F(s') P_B(s|s') (children before parents), the
 * policy that samples ∝ R is P_F(s'|s) = F(s') P_B(s|s') / F(s), P_F(exit|s) = R(s) / F(s), and
 * log Z = log F(s0) = log Σ_x R(x). With P_F fixed at that policy and log Ẑ at log Z, every Sub-EB
 * residual vanishes exactly at v* = log F − log Z, so L_SubEB and its gradient are 0 there and
 * positive / non-zero away from it; and the `rl` objective with `evaluator: "subeb"`, P_F and
 * log Ẑ frozen (learning rates 0) and a tabular V, trained on the batch of all 19 trajectories,
 * drives V to v*.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyGradientGFlowNet } from '../../algorithms/policy-based/rl.js';
import { sinkTargets, subEbLoss, subEbPotentials } from '../../algorithms/policy-based/subeb.js';
import { stepTerms } from '../../algorithms/value-based/balance-terms.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions } from '../../core/sampling/transitions.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { TabularGridEstimator } from '../helpers/tabular-estimator.js';
import { allForwardActionLists, forwardBatch } from './enumeration.js';

const H = 3;
const LAMBDA = 0.9;
/** Adam steps of V at lr 0.02 (max |v − v*| reaches the float32 floor, ~1e-6, by then; 1.4e-3 after 300). */
const ITERATIONS = 450;
const env = new HyperGrid({ ndim: 2, height: H, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });

/** Exact flows under the uniform P_B, the policy they induce (logits = log-probs) and v* = log F − log Z. */
function exactFlows(): { logPolicy: Float32Array; vStar: Float64Array; logZ: number } {
  const states = env.allStates();
  const n = env.nStates;
  const rewards = env.logReward(states).map(Math.exp);
  const flow = new Float64Array(n);
  const parents = (s: number): number => (states[2 * s]! > 0 ? 1 : 0) + (states[2 * s + 1]! > 0 ? 1 : 0);
  const child = (s: number, a: number): number => (a === 0 ? s + H : s + 1); // index x0·H + x1
  const canMove = (s: number, a: number): boolean => states[2 * s + a]! < H - 1;
  for (let s = n - 1; s >= 0; s--) {
    flow[s] = rewards[s]!;
    for (let a = 0; a < 2; a++) if (canMove(s, a)) flow[s]! += flow[child(s, a)]! / parents(child(s, a));
  }
  const logPolicy = new Float32Array(n * env.nActions);
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < 2; a++) logPolicy[s * env.nActions + a] = canMove(s, a) ? Math.log(flow[child(s, a)]! / parents(child(s, a)) / flow[s]!) : 0;
    logPolicy[s * env.nActions + 2] = Math.log(rewards[s]! / flow[s]!);
  }
  const logZ = Math.log(flow[0]!);
  return { logPolicy, vStar: flow.map((f) => Math.log(f) - logZ), logZ };
}

describe('Sub-EB fixed point v = log F − log Z on the 2-D H = 3 grid', () => {
  let exact: ReturnType<typeof exactFlows>;
  let batch: Trajectories;
  let forward: TabularGridEstimator;

  beforeAll(() => {
    exact = exactFlows();
    batch = forwardBatch(env, allForwardActionLists(env));
    forward = new TabularGridEstimator(H, env.nActions, exact.logPolicy);
  });

  afterAll(() => forward.dispose());

  it('the enumeration agrees with the environment: 19 trajectories, log F(s0) = log Σ R', () => {
    expect(batch.nTraj).toBe(19);
    expect(exact.logZ).toBeCloseTo(env.logPartition(), 10);
    expect(exact.vStar[0]).toBe(0);
  });

  /** L_SubEB of the enumerated batch and its gradient w.r.t. a tabular v holding `v`. */
  function lossAndGradient(v: Float64Array): { loss: number; grad: Float32Array } {
    const value = new TabularGridEstimator(H, 1, Float32Array.from(v));
    try {
      const tr = gatherTransitions(batch, env.nActions - 1);
      const backward = new UniformBackwardPolicy(env);
      const { value: loss, grads } = tf.variableGrads(() => {
        const t = stepTerms(env, forward, backward, value, tr);
        const h = subEbPotentials(
          tr,
          batch.lengths,
          { logPF: t.logPF, logPB: t.logPB, v: t.logF },
          sinkTargets(Float32Array.from(batch.logRewards), exact.logZ),
        );
        return subEbLoss(h, batch.lengths, LAMBDA);
      }, [value.table]);
      const out = { loss: loss.dataSync()[0]!, grad: grads[value.table.name]!.dataSync() as Float32Array };
      loss.dispose();
      tf.dispose(Object.values(grads));
      return out;
    } finally {
      value.dispose();
    }
  }

  it('L_SubEB and its gradient vanish at v*, and not when one state is off by 0.1', () => {
    const atFixedPoint = lossAndGradient(exact.vStar);
    expect(atFixedPoint.loss).toBeLessThan(1e-11);
    expect(Math.max(...Array.from(atFixedPoint.grad, Math.abs))).toBeLessThan(1e-5);
    for (let s = 0; s < env.nStates; s++) {
      const moved = exact.vStar.slice();
      moved[s]! += 0.1;
      const off = lossAndGradient(moved);
      expect(off.loss, `state ${s} moved`).toBeGreaterThan(1e-4);
      expect(Math.abs(off.grad[s]!), `gradient at state ${s}`).toBeGreaterThan(1e-3);
    }
  });

  it('the rl objective with evaluator subeb, P_F and log Ẑ frozen, drives a tabular V to v*', () => {
    const value = new TabularGridEstimator(H, 1);
    const backward = new UniformBackwardPolicy(env);
    const rl = new PolicyGradientGFlowNet(
      { env, forward, backward, value, sampler: new Sampler(env, forward, new Rng(0)) },
      {
        backward: 'uniform',
        optimizer: 'adam',
        lr: 0,
        lrB: 0,
        lrZ: 0,
        lrV: 0.02,
        lambda: 0.99,
        logZInit: exact.logZ,
        logRewardClip: -12,
        centerAdvantages: true,
        trpo: { delta: 0.01, cgIterations: 10, cgTolerance: 1e-5, backtrackSteps: 20, damping: 0 },
        evaluator: 'subeb',
        subebLambda: LAMBDA,
      },
    );
    try {
      const policyBefore = forward.table.dataSync().slice();
      const initialError = Math.max(...Array.from(exact.vStar, Math.abs));
      let metrics: Record<string, number> = {};
      for (let k = 0; k < ITERATIONS; k++) metrics = rl.update({ iteration: k, forward: batch });
      const v = value.table.dataSync();
      const error = Math.max(...Array.from(exact.vStar, (x, s) => Math.abs(v[s]! - x)));
      expect(initialError).toBeGreaterThan(1);
      expect(error, `max |v − v*| after ${ITERATIONS} updates`).toBeLessThan(1e-4);
      expect(metrics.valueLoss).toBeLessThan(1e-9);
      expect(Array.from(forward.table.dataSync())).toEqual(Array.from(policyBefore));
      expect(rl.logZ()).toBeCloseTo(exact.logZ, 6);
    } finally {
      rl.dispose();
    }
  });
});
