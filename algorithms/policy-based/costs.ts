/**
 * The per-step costs, values, advantages and value targets of the policy-gradient GFlowNet
 * objectives (Niu et al. 2024), computed on the host from per-step log-probabilities.
 * Layout: inputs are per valid step in gathered (time-major) order; outputs are padded T x N
 * matrices (entry t·N + i, 0 past a trajectory's end) plus per-row copies for the losses.
 */
import { centerValid, generalizedAdvantages } from '../../core/objectives/gae.js';
import type { Transitions } from '../../core/sampling/transitions.js';

/** Per-step quantities of a batch, padded T x N, and per gathered row. */
export interface StepQuantities {
  scores: Float64Array;
  values: Float64Array;
  advantages: Float64Array;
  targets: Float64Array;
  /** Σ_t scores_t of each trajectory. */
  trajectoryCosts: Float64Array;
  /** advantages of each gathered row. */
  rowAdvantages: Float32Array;
  /** value targets of each gathered row. */
  rowTargets: Float32Array;
}

/** Shape of the batch the rows were gathered from. */
export interface BatchShape {
  nTraj: number;
  maxSteps: number;
  lengths: ArrayLike<number>;
}

/**
 * Forward costs: r_t = log P_F(a_t|s_t) − log P_B(s_t|s_{t+1}) for non-exit steps and
 * r = log P_F(exit|x) − (max(log R(x), clip) − log Ẑ) at the exit, so Σ_t r_t is the TB residual.
 * `logZ` is one log Ẑ, or log Ẑ(c_i) of each trajectory i (a conditional run).
 * Advantages by GAE(γ = 1, λ) on V(s_t) (V after the exit = 0), centred over the batch;
 * targets are the cost-to-go (λ = 1).
 */
export function forwardStepQuantities(
  shape: BatchShape,
  rows: Pick<Transitions, 'traj' | 'time' | 'isExit'>,
  logPF: ArrayLike<number>,
  logPB: ArrayLike<number>,
  values: ArrayLike<number>,
  clippedLogRewards: ArrayLike<number>,
  logZ: number | ArrayLike<number>,
  lambda: number,
  center: boolean,
): StepQuantities {
  const logZOf = typeof logZ === 'number' ? () => logZ : (i: number) => logZ[i]!;
  const exitFill = (m: number): number => clippedLogRewards[rows.traj[m]!]! - logZOf(rows.traj[m]!);
  return stepQuantities(shape, rows, (m) => logPF[m]! - (rows.isExit[m] ? exitFill(m) : logPB[m]!), values, lambda, center);
}

/**
 * Backward costs of RL-B / RL-G: for the backward step s_t → s_{t+1} of a trajectory from x,
 * r_t = log P_B(s_{t+1}|s_t) − log P_G(s_t|s_{t+1}); advantages with λ = 1 on the backward value
 * network, centred over the batch.
 */
export function backwardStepQuantities(
  shape: BatchShape,
  rows: Pick<Transitions, 'traj' | 'time'>,
  logPB: ArrayLike<number>,
  logPG: ArrayLike<number>,
  values: ArrayLike<number>,
  center: boolean,
): StepQuantities {
  return stepQuantities(shape, rows, (m) => logPB[m]! - logPG[m]!, values, 1, center);
}

function stepQuantities(
  shape: BatchShape,
  rows: Pick<Transitions, 'traj' | 'time'>,
  cost: (m: number) => number,
  rowValues: ArrayLike<number>,
  lambda: number,
  center: boolean,
): StepQuantities {
  const { nTraj: n, maxSteps: T, lengths } = shape;
  const scores = new Float64Array(T * n);
  const values = new Float64Array(T * n);
  const trajectoryCosts = new Float64Array(n);
  const count = rows.traj.length;
  for (let m = 0; m < count; m++) {
    const k = rows.time[m]! * n + rows.traj[m]!;
    scores[k] = cost(m);
    values[k] = rowValues[m]!;
    trajectoryCosts[rows.traj[m]!]! += scores[k]!;
  }
  const { advantages, targets } = generalizedAdvantages({ nTraj: n, maxSteps: T, lengths, rewards: scores, values, gamma: 1, lambda });
  if (center) centerValid(advantages, n, lengths);
  const rowAdvantages = new Float32Array(count);
  const rowTargets = new Float32Array(count);
  for (let m = 0; m < count; m++) {
    const k = rows.time[m]! * n + rows.traj[m]!;
    rowAdvantages[m] = advantages[k]!;
    rowTargets[m] = targets[k]!;
  }
  return { scores, values, advantages, targets, trajectoryCosts, rowAdvantages, rowTargets };
}
