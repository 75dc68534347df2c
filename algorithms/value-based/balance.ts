/**
 * Balance potentials: one padded matrix from which every detailed-, sub-trajectory- and
 * trajectory-balance residual of a batch is a difference of two entries.
 *
 * For trajectory i with n_i steps (the last is exit), t = 0 … n_i:
 *   G[t] = log F(s_t) for t < n_i,   G[n_i] = log R(x_i)
 *   H[t] = G[t] − Σ_{k<t} log P_F(a_k|s_k) + Σ_{k<t} log P_B(s_k|s_{k+1})     (log P_B := 0 at the exit)
 * so the residual of the sub-trajectory of steps r … e is
 *   log F(s_r) + Σ_{k=r..e} log P_F − Σ log P_B − G[e+1] = H[r] − H[e+1]
 * (detailed balance: e = r; the exit step's target is log R). Built with one gather and one
 * cumulative sum over an N x (T+1) matrix — no per-trajectory tensor work. (Trajectory-major
 * because tfjs's cumsum gradient is only right along the last axis.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '#tensor-types';
import type { Transitions } from '../../core/sampling/transitions.js';
import { gatherRows } from '../../core/policy/unique-states.js';

/**
 * H as an N x (T+1) tensor, row i = trajectory i (T = the batch's longest trajectory); entries
 * past t = n_i are 0.
 * `logPF`, `logPB` (0 at exits) and `logF` (of each step's start state) are per gathered row.
 */
export function balancePotentials(
  tr: Pick<Transitions, 'count' | 'traj' | 'time'>,
  lengths: ArrayLike<number>,
  logPF: Tensor1D,
  logPB: Tensor1D,
  logF: Tensor1D,
  terminalLogRewards: Float32Array,
): Tensor2D {
  const n = lengths.length;
  let T = 0;
  for (let i = 0; i < n; i++) T = Math.max(T, lengths[i]!);
  const m = tr.count;
  const w = T + 1;
  // index of the source row of each (i, t): a step row, a terminal reward (M + i), or zero (M + N)
  const stepIndex = new Int32Array(n * w).fill(m);
  const potentialIndex = new Int32Array(n * w).fill(m + n);
  for (let k = 0; k < m; k++) {
    stepIndex[tr.traj[k]! * w + tr.time[k]!] = k;
    potentialIndex[tr.traj[k]! * w + tr.time[k]!] = k;
  }
  for (let i = 0; i < n; i++) potentialIndex[i * w + lengths[i]!] = m + i;
  return tf.tidy(() => {
    const stepCost = tf.concat([tf.sub(logPF, logPB), tf.zeros([1])]);
    const perStep = tf.reshape(gatherRows(tf.reshape(stepCost, [m + 1, 1]) as Tensor2D, stepIndex), [n, w]);
    const cumulative = tf.cumsum(perStep, 1, true);
    const g = tf.concat([logF, tf.tensor1d(terminalLogRewards), tf.zeros([1])]);
    const potentials = tf.reshape(gatherRows(tf.reshape(g, [m + n + 1, 1]) as Tensor2D, potentialIndex), [n, w]);
    return tf.sub(potentials, cumulative) as Tensor2D;
  });
}

/**
 * Σ_i Σ_{0 ≤ a < b ≤ n_i} w_i(b − a) · (H[i][a] − H[i][b])² for an N x (T+1) potential matrix, as one
 * differentiable op whose value and gradient are computed on the host in float64
 * (O(N·T²) arithmetic, no tensor per sub-trajectory). `weight(i, length)` is the weight of a
 * sub-trajectory of `length` steps of trajectory i.
 */
export function pairwiseBalanceLoss(h: Tensor2D, lengths: ArrayLike<number>, weight: (traj: number, length: number) => number): Scalar {
  const [n, cols] = h.shape;
  const op = tf.customGrad((...args: unknown[]) => {
    const input = args[0] as Tensor2D;
    const hv = input.dataSync();
    const grad = new Float64Array(n * cols);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const len = lengths[i]!;
      for (let a = 0; a < len; a++) {
        for (let b = a + 1; b <= len; b++) {
          const w = weight(i, b - a);
          if (w === 0) continue;
          const d = hv[i * cols + a]! - hv[i * cols + b]!;
          loss += w * d * d;
          grad[i * cols + a]! += 2 * w * d;
          grad[i * cols + b]! -= 2 * w * d;
        }
      }
    }
    return {
      value: tf.scalar(loss),
      gradFunc: (dy: Tensor) => [tf.mul(dy, tf.tensor2d(Float32Array.from(grad), [n, cols]))],
    };
  });
  return (op as unknown as (x: Tensor2D) => Scalar)(h);
}

/**
 * The geometric weight of SubTB(λ) and Sub-EB within one trajectory: a sub-trajectory of `length`
 * steps in a trajectory of `n` steps, batch of `nTraj`, weighs
 *   λ^(length−1) / (N · Σ_{k=1}^{n} (n − k + 1) λ^(k−1)),
 * so the weights of each trajectory's n(n+1)/2 sub-trajectories sum to 1/N.
 */
export function geometricWithinWeight(length: number, n: number, nTraj: number, lambda: number): number {
  let norm = 0;
  for (let k = 1; k <= n; k++) norm += (n - k + 1) * lambda ** (k - 1);
  return lambda ** (length - 1) / norm / nTraj;
}
