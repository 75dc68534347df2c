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

export const SUBTB_WEIGHTINGS = ['geometric', 'tb', 'db'] as const;

/** Options of {@link SubTrajectoryBalance}. */
export interface SubTbOptions {
  lr: number;
  lambda: number;
  weighting: (typeof SUBTB_WEIGHTINGS)[number];
  logRewardClip: number;
}

export class SubTrajectoryBalance implements Objective {
  readonly name = 'subtb';
  private readonly optimizer: GroupedAdam;

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly backward: BackwardPolicy,
    private readonly flow: Estimator,
    private readonly options: SubTbOptions,
  ) {
    const variables = [...new Set([...forward.variables, ...backward.variables, ...flow.variables])];
    this.optimizer = new GroupedAdam([{ name: 'policy-and-flow', variables, learningRate: options.lr }]);
  }

  /** Weight of a sub-trajectory of `length` steps in a trajectory of `n` steps, batch of `nTraj`. */
  weight(length: number, n: number, nTraj: number): number {
    const { weighting, lambda } = this.options;
    if (weighting === 'tb') return length === n ? 1 / nTraj : 0;
    if (weighting === 'db') return length === 1 ? 1 / nTraj : 0;
    let norm = 0;
    for (let k = 0; k < n; k++) norm += (n - k) * lambda ** k;
    return lambda ** (length - 1) / norm / nTraj;
  }

  /** The SubTB loss of a batch at the current parameters (differentiable). */
  loss(batch: Trajectories): tf.Scalar {
    const tr = gatherTransitions(batch, this.env.nActions - 1);
    const logR = clippedLogRewards(batch.logRewards, this.options.logRewardClip);
    return tf.tidy(() => {
      const terms = stepTerms(this.env, this.forward, this.backward, this.flow, tr);
      const h = balancePotentials(tr, batch.lengths, terms.logPF, terms.logPB, terms.logF, logR);
      return pairwiseBalanceLoss(h, batch.lengths, (i, length) => this.weight(length, batch.lengths[i]!, batch.nTraj));
    });
  }

  update(batch: TrainingBatch): Record<string, number> {
    const loss = this.optimizer.minimize(() => this.loss(batch.forward));
    return { loss, logZ: this.logZ() };
  }

  /** log F(s0), SubTB's estimate of log Z. */
  logZ(): number {
    return initialLogFlow(this.env, this.flow);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.backward.dispose();
    this.flow.dispose();
  }
}
