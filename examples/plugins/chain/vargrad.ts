import * as tf from '@tensorflow/tfjs-core';
import {
  type BackwardPolicy,
  type Environment,
  type Estimator,
  type Objective,
  type Trajectories,
  type TrainingBatch,
  clippedLogRewards,
  forwardLogProbs,
  gatherTransitions,
  GroupedAdam,
  segmentMatrix,
  selectRows,
} from 'gflownet-ts';

/**
 * VarGrad / log-variance loss: with ζ_i = Σ log P_F − Σ log P_B − log R(x_i) per trajectory,
 *   loss = mean_i (ζ_i − mean_j ζ_j)²,
 * trajectory balance with log Z replaced by its batch-optimal value −mean ζ (so no log Z to learn).
 */
export class VarGrad implements Objective {
  readonly name = 'vargrad';
  private readonly optimizer: GroupedAdam;
  private lastLogZ = 0;

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly backward: BackwardPolicy,
    private readonly options: { lr: number; logRewardClip: number },
  ) {
    this.optimizer = new GroupedAdam([{ name: 'policy', variables: forward.variables, learningRate: options.lr }]);
  }

  /** ζ_i of each trajectory (differentiable). */
  private zeta(batch: Trajectories): tf.Tensor1D {
    const { env } = this;
    const n = batch.nTraj;
    const tr = gatherTransitions(batch, env.nActions - 1);
    const nonExit = Int32Array.from(Array.from(tr.isExit.keys()).filter((m) => !tr.isExit[m]));
    return tf.tidy(() => {
      const lpf = forwardLogProbs(env, this.forward, tr.states, tr.actions);
      let z = tf.reshape(tf.matMul(tf.tensor2d(segmentMatrix(tr.traj, n), [n, tr.count]), tf.reshape(lpf, [tr.count, 1])), [n]);
      if (nonExit.length > 0) {
        const lpb = this.backward.logProbs(selectRows(tr.nextStates, env.stateDim, nonExit), selectRows(tr.actions, 1, nonExit));
        const seg = segmentMatrix(selectRows(tr.traj, 1, nonExit), n);
        z = tf.sub(z, tf.reshape(tf.matMul(tf.tensor2d(seg, [n, nonExit.length]), tf.reshape(lpb, [nonExit.length, 1])), [n]));
      }
      return tf.sub(z, tf.tensor1d(clippedLogRewards(batch.logRewards, this.options.logRewardClip))) as tf.Tensor1D;
    });
  }

  update(batch: TrainingBatch): Record<string, number> {
    const loss = this.optimizer.minimize(() =>
      tf.tidy(() => {
        const z = this.zeta(batch.forward);
        const mean = tf.mean(z);
        this.lastLogZ = -mean.dataSync()[0]!;
        return tf.mean(tf.square(tf.sub(z, mean))) as tf.Scalar;
      }),
    );
    return { loss, logZ: this.lastLogZ };
  }

  /** −mean ζ of the last batch: VarGrad's estimate of log Z. */
  logZ(): number {
    return this.lastLogZ;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
