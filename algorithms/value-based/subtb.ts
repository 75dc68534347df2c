/**
 * Sub-trajectory balance SubTB(λ) (Madan et al. 2023), with a state-flow estimator log F(s).
 * For the sub-trajectory of steps r … e of trajectory i (n_i steps, the last is exit):
 *
 *   residual = log F(s_r) + Σ_{k=r..e} log P_F − Σ_{k=r..e} log P_B − log F(s_{e+1}),
 *   with log F(s_{e+1}) := max(log R(x), clip) when step e is the exit (and its log P_B := 0),
 *
 * loss = Σ_i Σ_{r ≤ e} w_i(e − r + 1) · residual², with the weighting
 *   geometric: w_i(ℓ) = λ^(ℓ−1) / Σ_{k=0}^{n_i−1} (n_i − k) λ^k / N   (within each trajectory; default)
 *   tb:        only the full trajectory, w = 1/N (reduces to TB with log Z := log F(s0))
 *   db:        only single steps, w = 1/N (detailed balance)
 * All sub-trajectories come from one potential matrix (see balance.ts); no per-trajectory loops
 * over tensors.
 */
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { geometricWithinWeight } from './balance.js';
import { FlowBalanceObjective } from './flow-balance-objective.js';

export const SUBTB_WEIGHTINGS = ['geometric', 'tb', 'db'] as const;

/** Options of {@link SubTrajectoryBalance}. */
export interface SubTbOptions {
  lr: number;
  lambda: number;
  weighting: (typeof SUBTB_WEIGHTINGS)[number];
  logRewardClip: number;
}

export class SubTrajectoryBalance extends FlowBalanceObjective {
  readonly name = 'subtb';

  constructor(
    env: Environment,
    forward: Estimator,
    backward: BackwardPolicy,
    flow: Estimator,
    private readonly options: SubTbOptions,
  ) {
    super(env, forward, backward, flow, options.lr);
  }

  protected terminalLogRewards(batch: Trajectories): Float32Array {
    return clippedLogRewards(batch.logRewards, this.options.logRewardClip);
  }

  /** Weight of a sub-trajectory of `length` steps in a trajectory of `n` steps, batch of `nTraj`. */
  weight(length: number, n: number, nTraj: number): number {
    const { weighting, lambda } = this.options;
    if (weighting === 'tb') return length === n ? 1 / nTraj : 0;
    if (weighting === 'db') return length === 1 ? 1 / nTraj : 0;
    return geometricWithinWeight(length, n, nTraj, lambda);
  }
}
