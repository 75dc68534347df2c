/**
 * Trajectory balance (Malkin et al. 2022).
 *
 *   loss = mean_τ ( log Z + Σ_t log P_F(s_{t+1}|s_t) − max(log R(x), clip) − Σ_t log P_B(s_t|s_{t+1}) )²
 *
 * where the P_F sum includes the exit step and the P_B sum covers the non-exit steps.
 * TB-U uses a uniform P_B, TB-B a learned one. log Z is a scalar with its own learning rate.
 * One P_F network call and (for TB-B) one P_B call per batch.
 *
 * Conditional TB (a conditional environment: each trajectory carries a condition c, e.g. β, and
 * its log R is already the target of c, β·log R(x)): log Z is a network log Z(c) with the same
 * learning rate, and P_F, P_B see c through the states' observations:
 *   loss = mean_τ w(c_τ) ( log Z(c_τ) + Σ_t log P_F(s_{t+1}|s_t, c_τ) − β_τ log R(x) − Σ_t log P_B(s_t|s_{t+1}, c_τ) )²,
 * w(c) = 1/β (`condition.residualWeight`, or 1).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Scalar, Tensor1D, Variable } from '#tensor-types';
import type { Rng } from '../../core/base/rng.js';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Objective, ObjectiveStateParts, TrainingBatch } from '../../core/objectives/objective.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import { type LogZInit, LogZInitialiser } from '../../core/objectives/initial-log-z.js';
import { type LearnedLogZ, learnedLogZ, scalarLogZVariable } from '../../core/objectives/learned-log-z.js';
import { residualWeights } from '../../core/objectives/residual-weights.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions, segmentMatrix, selectRows } from '../../core/sampling/transitions.js';
import { GroupedAdam } from '../../core/tensor/adam.js';

/** Options of {@link TrajectoryBalance}. */
export interface TbOptions {
  /** Learning rate of P_F (and of a learned P_B). */
  lr: number;
  /** Learning rate of log Z. */
  lrZ: number;
  /** Initial log Z: a number, or `auto` = estimated from the first batch before the first step (see initial-log-z.ts). */
  logZInit: LogZInit;
  /** log R is clipped below at this value in the loss. */
  logRewardClip: number;
}

export class TrajectoryBalance implements Objective {
  readonly name = 'tb';
  /** log Z: one variable, or log Z(c) on a conditional environment. */
  readonly learnedLogZ: LearnedLogZ;
  private readonly optimizer: GroupedAdam;
  private readonly logZStart: LogZInitialiser;

  /** @param rng draws the log Z(c) network's initial weights (a conditional environment only). */
  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly backward: BackwardPolicy,
    private readonly options: TbOptions,
    rng?: () => Rng,
  ) {
    this.logZStart = new LogZInitialiser(options.logZInit);
    this.learnedLogZ = learnedLogZ(env, options.logZInit, 'tb/logZ', 'tb', rng);
    this.optimizer = new GroupedAdam([
      // a P_B on P_F's trunk shares variables with it: each variable once
      { name: 'policy', variables: [...new Set([...forward.variables, ...backward.variables])], learningRate: options.lr },
      { name: 'logZ', variables: [...this.learnedLogZ.variables], learningRate: options.lrZ },
    ]);
  }

  /** The scalar log Z variable of an unconditional run. */
  get logZVar(): Variable<Rank.R0> {
    return scalarLogZVariable(this.learnedLogZ, 'tb');
  }

  /** Per-trajectory TB residuals log Z(c) + Σ log P_F − log R − Σ log P_B (differentiable). */
  scores(batch: Trajectories): Tensor1D {
    const { env } = this;
    const tr = gatherTransitions(batch, env.nActions - 1);
    const nonExit = Int32Array.from(tr.isExit.reduce<number[]>((acc, e, m) => (e ? acc : (acc.push(m), acc)), []));
    const n = batch.nTraj;
    return tf.tidy(() => {
      const lpf = forwardLogProbs(env, this.forward, tr.states, tr.actions);
      const sumF = tf.matMul(tf.tensor2d(segmentMatrix(tr.traj, n), [n, tr.count]), tf.reshape(lpf, [tr.count, 1]));
      let residual = tf.add(this.learnedLogZ.perTrajectory(batch), tf.reshape(sumF, [n]));
      if (nonExit.length > 0) {
        const lpb = this.backward.logProbs(selectRows(tr.nextStates, env.stateDim, nonExit), selectRows(tr.actions, 1, nonExit));
        const seg = segmentMatrix(selectRows(tr.traj, 1, nonExit), n);
        const sumB = tf.matMul(tf.tensor2d(seg, [n, nonExit.length]), tf.reshape(lpb, [nonExit.length, 1]));
        residual = tf.sub(residual, tf.reshape(sumB, [n]));
      }
      return tf.sub(residual, tf.tensor1d(clippedLogRewards(batch.logRewards, this.options.logRewardClip))) as Tensor1D;
    });
  }

  /** The TB loss of a batch at the current parameters (differentiable); a conditional run's squared residuals are weighted (`residualWeights`). */
  loss(batch: Trajectories): Scalar {
    const weights = residualWeights(this.env, batch);
    if (weights) return tf.tidy(() => tf.mean(tf.mul(tf.tensor1d(weights), tf.square(this.scores(batch)))) as Scalar);
    return tf.tidy(() => tf.mean(tf.square(this.scores(batch))) as Scalar);
  }

  update(batch: TrainingBatch): Record<string, number> {
    const { env, forward, backward } = this;
    const start = this.logZStart.apply(this.learnedLogZ, batch.forward, batch.fresh, { env, forward, backward, logRewardClip: this.options.logRewardClip });
    const loss = this.optimizer.minimize(() => this.loss(batch.forward));
    return { loss, logZ: this.logZ(), ...start };
  }

  logZ(): number {
    return this.learnedLogZ.value();
  }

  /** log Z(c) at the condition `s0` carries (one number for every s0 in an unconditional run). */
  logZAt(s0: Int32Array): number {
    return this.learnedLogZ.at(s0);
  }

  /** P_B (sampled evaluation and local search walk back under it). */
  backwardPolicy(): BackwardPolicy {
    return this.backward;
  }

  /** log Z, P_F, a learned P_B, the Adam state and whether log Z has been initialised, for checkpoints. */
  checkpointParts(): ObjectiveStateParts {
    return { variables: this.optimizer.variables, optimizers: { adam: this.optimizer }, extra: { logZInit: this.logZStart } };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.learnedLogZ.dispose();
    this.backward.dispose();
  }
}
