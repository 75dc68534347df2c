/**
 * Detailed balance (Bengio et al. 2023), with a state-flow estimator log F(s):
 *
 *   per transition s → s':  ( log F(s) + log P_F(s'|s) − log F(s') − log P_B(s|s') )²
 *   exit x → s_f:           ( log F(x) + log P_F(s_f|x) − log R(x) )²
 *   loss = Σ over all transitions / N   (divided by the number of trajectories, as the reference code)
 *
 * log R is not clipped by default (the reference code's convention; `clipLogReward` turns the
 * −12 clip on). DB-U: uniform P_B; DB-B: learned; `shared`: P_B shares P_F's trunk.
 */
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { FlowBalanceObjective } from './flow-balance-objective.js';

/** Options of {@link DetailedBalance}. */
export interface DbOptions {
  lr: number;
  /** Clip log R below at `logRewardClip` in the exit term (off in the reference code). */
  clipLogReward: boolean;
  logRewardClip: number;
}

export class DetailedBalance extends FlowBalanceObjective {
  readonly name = 'db';

  constructor(
    env: Environment,
    forward: Estimator,
    backward: BackwardPolicy,
    flow: Estimator,
    private readonly options: DbOptions,
  ) {
    super(env, forward, backward, flow, options.lr);
  }

  protected terminalLogRewards(batch: Trajectories): Float32Array {
    return this.options.clipLogReward ? clippedLogRewards(batch.logRewards, this.options.logRewardClip) : Float32Array.from(batch.logRewards);
  }

  /** Single transitions only, each weighted 1/N. */
  weight(length: number, _n: number, nTraj: number): number {
    return length === 1 ? 1 / nTraj : 0;
  }
}
