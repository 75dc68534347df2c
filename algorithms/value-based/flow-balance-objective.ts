import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '#tensor-types';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Objective, ObjectiveStateParts, TrainingBatch } from '../../core/objectives/objective.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions } from '../../core/sampling/transitions.js';
import { GroupedAdam } from '../../core/tensor/adam.js';
import { balancePotentials, pairwiseBalanceLoss } from './balance.js';
import { initialLogFlow, stepTerms } from './balance-terms.js';
import { residualWeights } from '../../core/objectives/residual-weights.js';

/**
 * What DB and SubTB share: P_F, P_B and a state-flow network log F trained together by Adam on
 * a weighted sum of squared sub-trajectory residuals (see balance.ts); log F(s0) estimates log Z.
 * A subclass says which sub-trajectories count and how much, and which log R the exit targets.
 */
export abstract class FlowBalanceObjective implements Objective {
  abstract readonly name: string;
  private readonly optimizer: GroupedAdam;

  constructor(
    protected readonly env: Environment,
    protected readonly forward: Estimator,
    protected readonly backward: BackwardPolicy,
    protected readonly flow: Estimator,
    learningRate: number,
  ) {
    // a P_B on P_F's trunk shares variables with it: each variable once
    const variables = [...new Set([...forward.variables, ...backward.variables, ...flow.variables])];
    this.optimizer = new GroupedAdam([{ name: 'policy-and-flow', variables, learningRate }]);
  }

  /** log R of each trajectory's terminal state as the exit target (clipped or not). */
  protected abstract terminalLogRewards(batch: Trajectories): Float32Array;

  /** Weight of a sub-trajectory of `length` steps in a trajectory of `n` steps, batch of `nTraj`. */
  abstract weight(length: number, n: number, nTraj: number): number;

  /** The loss of a batch at the current parameters (differentiable). */
  loss(batch: Trajectories): Scalar {
    const tr = gatherTransitions(batch, this.env.nActions - 1);
    const logR = this.terminalLogRewards(batch);
    // a conditional run weighs each trajectory's sub-trajectories by its condition (condition.residualWeight)
    const byCondition = residualWeights(this.env, batch);
    return tf.tidy(() => {
      const terms = stepTerms(this.env, this.forward, this.backward, this.flow, tr);
      const h = balancePotentials(tr, batch.lengths, terms.logPF, terms.logPB, terms.logF, logR);
      return pairwiseBalanceLoss(h, batch.lengths, (i, length) =>
        byCondition ? byCondition[i]! * this.weight(length, batch.lengths[i]!, batch.nTraj) : this.weight(length, batch.lengths[i]!, batch.nTraj),
      );
    });
  }

  update(batch: TrainingBatch): Record<string, number> {
    const loss = this.optimizer.minimize(() => this.loss(batch.forward));
    return { loss, logZ: this.logZ() };
  }

  /** P_F, a learned P_B, log F and the Adam state, for checkpoints. */
  checkpointParts(): ObjectiveStateParts {
    return { variables: this.optimizer.variables, optimizers: { adam: this.optimizer } };
  }

  /** log F(s0), the flow objectives' estimate of log Z. */
  logZ(): number {
    return initialLogFlow(this.env, this.flow, this.env.s0);
  }

  /** log F(s0) at this initial state (in a conditional run, log Z(c) of the condition it carries). */
  logZAt(s0: Int32Array): number {
    return initialLogFlow(this.env, this.flow, s0);
  }

  /** P_B (sampled evaluation and local search walk back under it). */
  backwardPolicy(): BackwardPolicy {
    return this.backward;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.backward.dispose();
    this.flow.dispose();
  }
}
