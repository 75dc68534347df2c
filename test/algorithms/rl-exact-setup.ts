import * as tf from '@tensorflow/tfjs';
import type { RlOptions } from '../../algorithms/policy-based/rl.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { segmentMatrix, type Transitions } from '../../core/sampling/transitions.js';
import type { HyperGrid } from '../../envs/hypergrid.js';
import { uniformLogPB } from './enumeration.js';

/*
 * What the exact-gradient tests of `rl` share: the objective's options and the enumerated
 * forward objective J_F(θ) = Σ_τ P_F(τ) · (log P_F(τ) + c_τ).
 */

/** log Ẑ the exact-gradient tests hold fixed (it enters c_τ and the objective's logZInit). */
export const EXACT_LOG_Z = 0.5;

/** `rl` options of the exact-gradient tests; `exploration` is added only where given. */
export function exactRlOptions(backward: RlOptions['backward'], exploration?: RlOptions['exploration']): RlOptions {
  return {
    backward,
    optimizer: 'adam',
    lr: 1e-3,
    lrB: 1e-3,
    lrZ: 0.1,
    lrV: 5e-3,
    lambda: 1,
    logZInit: EXACT_LOG_Z,
    logRewardClip: -12,
    centerAdvantages: true,
    trpo: { delta: 0.01, cgIterations: 10, cgTolerance: 1e-10, backtrackSteps: 20, damping: 0 },
    ...(exploration === undefined ? {} : { exploration }),
  };
}

/** log P_B(s_t|s_{t+1}) of the uniform P_B for every non-exit forward step (0 at exits). */
export function uniformLogPBRows(env: HyperGrid, tr: Transitions): Float32Array {
  const d = env.stateDim;
  return Float32Array.from({ length: tr.count }, (_, m) => (tr.isExit[m] ? 0 : uniformLogPB(env, tr.nextStates.subarray(m * d, m * d + d))));
}

/** c_τ = −log P_B(τ|x) − log R(x) + log Ẑ of each trajectory, for the uniform P_B. */
export function uniformForwardCostConstants(env: HyperGrid, all: Trajectories, tr: Transitions, logZ: number): Float32Array {
  const logPB = uniformLogPBRows(env, tr);
  const c = new Float32Array(all.nTraj);
  for (let m = 0; m < tr.count; m++) c[tr.traj[m]!]! -= logPB[m]!;
  for (let i = 0; i < all.nTraj; i++) c[i]! += -all.logRewards[i]! + logZ;
  return c;
}

/** Σ_τ π(τ) · (log π(τ) + c_τ), log π(τ) summed per trajectory by one matMul with the segment matrix. */
export function expectedCost(stepLogProbs: tf.Tensor1D, tr: Transitions, nTraj: number, constants: Float32Array): tf.Scalar {
  const seg = tf.tensor2d(segmentMatrix(tr.traj, nTraj), [nTraj, tr.count]);
  const perTraj = tf.reshape(tf.matMul(seg, tf.reshape(stepLogProbs, [tr.count, 1])), [nTraj]);
  return tf.sum(tf.mul(tf.exp(perTraj), tf.add(perTraj, tf.tensor1d(constants)))) as tf.Scalar;
}
