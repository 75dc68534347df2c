/**
 * Sub-EB: the evaluator of policy-based GFlowNet training learned by subtrajectory evaluation
 * balance (Niu, Wu, Qian, "Evaluating GFlowNet from partial episodes for stable and flexible
 * policy-based training", ICLR 2026) — the `"evaluator": "subeb"` choice of the `rl` objective.
 *
 * A trajectory s_0 … s_{L−1} = x, then exit (L actions, the exit included), with per step
 *   lF_t = log P_F(a_t|s_t),   lB_t = log P_B(s_t|s_{t+1}) (t < L − 1; 0 at the exit),
 *   v_t = v(s_t) for t = 0 … L − 1 (v sees the terminal object x, never s_f),   log R̃ = max(log R(x), clip).
 *
 * Evaluation balance of every sub-trajectory 0 ≤ i < j ≤ L:
 *   d_ij = v_i + Σ_{t=i}^{j−1} (lF_t − lB_t) − v_j                       (j < L)
 *   d_iL = v_i + Σ_{t=i}^{L−1} (lF_t − lB_t) − (log R̃ − sg(log Ẑ))        (ends in the sink)
 *   L_SubEB = Σ_b Σ_{i<j} w(j − i, L_b) d_ij²   with the geometric-within weights of SubTB(λ)
 *   (w(k, L) = λ^(k−1) / (N Σ_{k'=1}^{L} (L − k' + 1) λ^(k'−1)); each trajectory's weights sum to 1/N).
 * At a perfect fit v(s) = log F(s) − log Z: exp v is the normalised state flow, v(s0) = 0, and
 * −v(s) is the expected cost-to-go of RL's costs below.
 *
 * Policy part, as RL-U/RL-B with U_t = −v_t as the baseline (U after the exit = 0):
 *   c_t = lF_t − lB_t,   c_{L−1} = lF_{L−1} − (log R̃ − log Ẑ);
 *   A by GAE(γ = 1, λ_GAE) on U, centred over the batch; P_F descends (1/N) Σ_b Σ_t A_t ∇lF_t;
 *   log Ẑ descends Z_diff = (1/N) Σ_b (Σ_t c_t)² (lF, lB detached), gradient (2/N) Σ_b Σ_t c_t.
 *
 * One iteration: a V step on L_SubEB (lF, lB, log Ẑ detached; both ends v_i, v_j carry gradient),
 * then — P_B learned (`backward: "coupled"`) — a P_B step on the same L_SubEB (v, lF detached),
 * then the P_F + log Ẑ step, all three from the pre-update parameters. The three parameter sets
 * are disjoint, so one gradient of L_SubEB(v, lB; lF detached) + policy term + Z_diff is exactly
 * the three steps' gradients, and per-group Adam applies them as the three separate optimisers.
 *
 * All O(N·T²) residuals come from the balance potential matrix of the value-based objectives
 * (balance.ts): with v in place of log F and log R̃ − log Ẑ as the sink's potential, d_ij is a
 * difference of two of its entries.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D } from '#tensor-types';
import type { LearnedLogZ } from '../../core/objectives/learned-log-z.js';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions, type Transitions } from '../../core/sampling/transitions.js';
import { balancePotentials, geometricWithinWeight, pairwiseBalanceLoss } from '../value-based/balance.js';
import { stepTerms } from '../value-based/balance-terms.js';
import { forwardStepQuantities, type StepQuantities } from './costs.js';

/** The per-step terms of L_SubEB, one entry per gathered step; detach a term to keep its gradient out. */
export interface SubEbTerms {
  /** log P_F(a_t|s_t). */
  logPF: Tensor1D;
  /** log P_B(s_t|s_{t+1}); 0 at exit steps. */
  logPB: Tensor1D;
  /** v(s_t) of each step's start state (the terminal object x at the exit step). */
  v: Tensor1D;
}

/**
 * The N x (T+1) potential matrix of Sub-EB: entry [b][i] − entry [b][j] is d_ij of trajectory b.
 * `sinkTargets` holds log R̃ − log Ẑ per trajectory (a constant: log Ẑ is detached here).
 */
export function subEbPotentials(
  tr: Pick<Transitions, 'count' | 'traj' | 'time'>,
  lengths: ArrayLike<number>,
  terms: SubEbTerms,
  sinkTargets: Float32Array,
): Tensor2D {
  return balancePotentials(tr, lengths, terms.logPF, terms.logPB, terms.v, sinkTargets);
}

/** w(k, L) of a sub-trajectory of `length` actions in trajectory `traj` (geometric within, weights of a trajectory sum to 1/N). */
export function subEbWeight(lengths: ArrayLike<number>, lambda: number): (traj: number, length: number) => number {
  const n = lengths.length;
  return (traj, length) => geometricWithinWeight(length, lengths[traj]!, n, lambda);
}

/** L_SubEB = Σ_b Σ_{i<j} w d_ij² from a potential matrix (differentiable through it). */
export function subEbLoss(potentials: Tensor2D, lengths: ArrayLike<number>, lambda: number): Scalar {
  return pairwiseBalanceLoss(potentials, lengths, subEbWeight(lengths, lambda));
}

/** log R̃ − log Ẑ of each trajectory (log Ẑ one number, or log Ẑ(c_i) of each): the sink's potential. */
export function sinkTargets(clippedLogR: Float32Array, logZ: number | Float32Array): Float32Array {
  return typeof logZ === 'number' ? clippedLogR.map((r) => r - logZ) : clippedLogR.map((r, i) => r - logZ[i]!);
}

/** What the Sub-EB training loss works on. */
export interface SubEbContext {
  env: Environment;
  forward: Estimator;
  backward: BackwardPolicy;
  value: Estimator;
  /** log Ẑ: one variable, or the network log Ẑ(c) of a conditional run. */
  logZ: LearnedLogZ;
}

/** Options of the Sub-EB training loss (a subset of the `rl` objective's). */
export interface SubEbLossOptions {
  /** λ of the geometric-within weights. */
  subebLambda: number;
  /** GAE λ of the advantages. */
  lambda: number;
  logRewardClip: number;
  centerAdvantages: boolean;
}

/** RL's step quantities (values = U_t = −v_t) plus the two evaluator losses. */
export interface SubEbQuantities extends StepQuantities {
  subEbLoss: number;
  zDiff: number;
}

/** A loss closure and, once it has run, the host quantities it computed. */
export interface SubEbTrainingLoss {
  loss: () => Scalar;
  transitions: Transitions;
  quantities: () => SubEbQuantities;
}

/** A copy of `x` that carries no gradient (sg(·)). */
function detached(x: Tensor1D): Tensor1D {
  return tf.tensor1d(x.dataSync());
}

/**
 * The whole Sub-EB iteration as one loss at the current parameters:
 *   L_SubEB(v, lB; lF, log Ẑ detached) + Z_diff(log Ẑ) + (1/N) Σ A_t lF_t.
 * Its gradient w.r.t. V is the V step's, w.r.t. a learned P_B the P_B step's, w.r.t. P_F and
 * log Ẑ the policy step's. The policy term is left out when `withPolicy` is false (a trust-region
 * step moves P_F separately).
 */
export function subEbTrainingLoss(ctx: SubEbContext, batch: Trajectories, options: SubEbLossOptions, withPolicy = true): SubEbTrainingLoss {
  const { env, forward, backward, value, logZ: learned } = ctx;
  const tr = gatherTransitions(batch, env.nActions - 1);
  const logR = clippedLogRewards(batch.logRewards, options.logRewardClip);
  const logZ = learned.perTrajectoryValues(batch);
  const n = batch.nTraj;
  let computed: SubEbQuantities | undefined;
  const loss = (): Scalar =>
    tf.tidy(() => {
      const { logPF, logPB, logF: v } = stepTerms(env, forward, backward, value, tr);
      const lF = detached(logPF);
      const h = subEbPotentials(tr, batch.lengths, { logPF: lF, logPB, v }, sinkTargets(logR, logZ));
      const evaluation = subEbLoss(h, batch.lengths, options.subebLambda);
      const baseline = v.dataSync().map((x) => -x);
      const q = forwardStepQuantities(batch, tr, lF.dataSync(), logPB.dataSync(), baseline, logR, logZ, options.lambda, options.centerAdvantages);
      // Σ_t c_t as a function of log Ẑ: the host sums at the current log Ẑ(c_i), shifted by (log Ẑ(c_i) − its value)
      const costSums = tf.add(
        tf.tensor1d(Float32Array.from(q.trajectoryCosts, (c, i) => c - (typeof logZ === 'number' ? logZ : logZ[i]!))),
        learned.perTrajectory(batch),
      );
      const zDiff = tf.div(tf.sum(tf.square(costSums)), n);
      computed = { ...q, subEbLoss: evaluation.dataSync()[0]!, zDiff: zDiff.dataSync()[0]! };
      let total = tf.add(evaluation, zDiff);
      if (withPolicy) total = tf.add(total, tf.div(tf.sum(tf.mul(logPF, tf.tensor1d(q.rowAdvantages))), n));
      return total as Scalar;
    });
  return {
    loss,
    transitions: tr,
    quantities: () => {
      if (!computed) throw new Error('subEbTrainingLoss: the loss has not been evaluated yet');
      return computed;
    },
  };
}
