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
import * as tf from '@tensorflow/tfjs';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/estimator.js';
import type { Objective, TrainingBatch } from '../../core/objective.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions } from '../../core/sampling/transitions.js';
import { GroupedAdam } from '../../core/tensor/adam.js';
import { balancePotentials, pairwiseBalanceLoss } from './balance.js';
import { initialLogFlow, stepTerms } from './balance-terms.js';

/** Options of {@link DetailedBalance}. */
export interface DbOptions {
  lr: number;
  /** Clip log R below at `logRewardClip` in the exit term (off in the reference code). */
  clipLogReward: boolean;
  logRewardClip: number;
}

export class DetailedBalance implements Objective {
  readonly name = 'db';
  private readonly optimizer: GroupedAdam;

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly backward: BackwardPolicy,
    private readonly flow: Estimator,
    private readonly options: DbOptions,
  ) {
    const variables = [...new Set([...forward.variables, ...backward.variables, ...flow.variables])];
    this.optimizer = new GroupedAdam([{ name: 'policy-and-flow', variables, learningRate: options.lr }]);
  }

  /** The DB loss of a batch at the current parameters (differentiable). */
  loss(batch: Trajectories): tf.Scalar {
    const tr = gatherTransitions(batch, this.env.nActions - 1);
    const logR = this.options.clipLogReward ? clippedLogRewards(batch.logRewards, this.options.logRewardClip) : Float32Array.from(batch.logRewards);
    const n = batch.nTraj;
    return tf.tidy(() => {
      const terms = stepTerms(this.env, this.forward, this.backward, this.flow, tr);
      const h = balancePotentials(tr, batch.lengths, terms.logPF, terms.logPB, terms.logF, logR);
      return pairwiseBalanceLoss(h, batch.lengths, (_i, length) => (length === 1 ? 1 / n : 0));
    });
  }

  update(batch: TrainingBatch): Record<string, number> {
    const loss = this.optimizer.minimize(() => this.loss(batch.forward));
    return { loss, logZ: this.logZ() };
  }

  /** log F(s0), DB's estimate of log Z. */
  logZ(): number {
    return initialLogFlow(this.env, this.flow);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.backward.dispose();
    this.flow.dispose();
  }
}
