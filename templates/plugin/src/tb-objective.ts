import * as tf from '@tensorflow/tfjs-core';
import {
  type BackwardPolicy,
  type Environment,
  type Estimator,
  type Objective,
  type ObjectiveStateParts,
  type TrainingBatch,
  clippedLogRewards,
  forwardLogProbs,
  gatherTransitions,
  GroupedAdam,
  ownedVariable,
  segmentMatrix,
  selectRows,
} from 'gflownet-ts';

/** Options of {@link TrajectoryBalance} (see the schema in index.ts). */
export interface TrajectoryBalanceOptions {
  lr: number;
  lrZ: number;
  logRewardClip: number;
}

/**
 * Trajectory balance with a learned log Z:
 *   loss = mean_i (log Z + Σ_t log P_F(s_{t+1} | s_t) − Σ_t log P_B(s_t | s_{t+1}) − log R(x_i))².
 * Every log-probability is recomputed from the current parameters, so exploratory and replayed
 * batches are handled correctly.
 */
export class TrajectoryBalance implements Objective {
  readonly name = 'my-tb';
  private readonly logZVar: tf.Variable;
  private readonly optimizer: GroupedAdam;

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly backward: BackwardPolicy,
    private readonly options: TrajectoryBalanceOptions,
  ) {
    this.logZVar = ownedVariable(tf.scalar(0), 'my-tb/logZ');
    this.optimizer = new GroupedAdam([
      { name: 'policy', variables: forward.variables, learningRate: options.lr },
      { name: 'logZ', variables: [this.logZVar], learningRate: options.lrZ },
    ]);
  }

  update(batch: TrainingBatch): Record<string, number> {
    const { env } = this;
    const trajectories = batch.forward;
    const n = trajectories.nTraj;
    const tr = gatherTransitions(trajectories, env.nActions - 1);
    // P_B is evaluated on the step's next state, and only for non-exit steps (exit has no backward action)
    const nonExit = Int32Array.from(Array.from(tr.isExit.keys()).filter((m) => !tr.isExit[m]));
    const logR = clippedLogRewards(trajectories.logRewards, this.options.logRewardClip);
    const loss = this.optimizer.minimize(() =>
      tf.tidy(() => {
        const perTrajectory = (stepValues: tf.Tensor1D, traj: Int32Array): tf.Tensor1D =>
          tf.reshape(tf.matMul(tf.tensor2d(segmentMatrix(traj, n), [n, traj.length]), tf.reshape(stepValues, [traj.length, 1])), [n]);
        let balance = tf.add(this.logZVar, perTrajectory(forwardLogProbs(env, this.forward, tr.states, tr.actions), tr.traj));
        if (nonExit.length > 0) {
          const logPB = this.backward.logProbs(selectRows(tr.nextStates, env.stateDim, nonExit), selectRows(tr.actions, 1, nonExit));
          balance = tf.sub(balance, perTrajectory(logPB, selectRows(tr.traj, 1, nonExit)));
        }
        return tf.mean(tf.square(tf.sub(balance, tf.tensor1d(logR)))) as tf.Scalar;
      }),
    );
    return { loss, logZ: this.logZ() };
  }

  logZ(): number {
    return this.logZVar.dataSync()[0]!;
  }

  /** What a checkpoint saves, so that `gfn train --resume` continues this objective exactly. */
  checkpointParts(): ObjectiveStateParts {
    return { variables: [...this.forward.variables, this.logZVar], optimizers: { adam: this.optimizer } };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.logZVar.dispose();
  }
}
