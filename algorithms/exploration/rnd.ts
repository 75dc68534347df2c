/**
 * Random network distillation (Burda et al. 2019): novelty(s) = mean_k (g(s)_k − f(s)_k)² for a
 * fixed, randomly initialised target network f and a predictor g trained to imitate f on the
 * states seen so far. States visited often are predicted well and lose their novelty; states never
 * seen keep it.
 *
 * Novelty is reported in units of the mean raw error over the states of the first call (fixed
 * then, and saved in checkpoints), so that it starts near 1 whatever the networks' initial scale
 * and an exploration weight means the same across environments.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Variable } from '#tensor-types';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { uniqueRows } from '../../core/policy/unique-states.js';
import { GroupedAdam } from '../../core/tensor/adam.js';
import { readValues } from '../../core/tensor/read.js';
import type { Checkpointable, StateRecord } from '../../core/checkpoint/checkpointable.js';

export class RandomNetworkDistillation implements Checkpointable {
  readonly optimizer: GroupedAdam;
  /** Mean raw error at the first call; undefined before it. */
  private scale?: number;

  /**
   * @param target fixed random network (never trained)
   * @param predictor trained by Adam with learning rate `lr`; same input and output sizes as `target`
   */
  constructor(
    private readonly env: Environment,
    readonly target: Estimator,
    readonly predictor: Estimator,
    lr: number,
  ) {
    if (target.outputDim !== predictor.outputDim)
      throw new Error(`rnd: target and predictor output sizes differ (${target.outputDim}, ${predictor.outputDim})`);
    this.optimizer = new GroupedAdam([{ name: 'rnd-predictor', variables: predictor.variables, learningRate: lr }]);
  }

  /** Every variable (the target's too: a resumed run must see the same random target). */
  get variables(): readonly Variable[] {
    return [...this.target.variables, ...this.predictor.variables];
  }

  /** Novelty of each state (N x stateDim), host float64. */
  novelty(states: Int32Array): Float64Array {
    const n = states.length / this.env.stateDim;
    if (n === 0) return new Float64Array(0);
    const { unique, inverse } = uniqueRows(states, this.env.stateDim);
    const perUnique = readValues(() => this.errors(unique));
    if (this.scale === undefined) {
      const mean = perUnique.reduce((a, b) => a + b, 0) / perUnique.length;
      this.scale = mean > 0 ? mean : 1;
    }
    const scale = this.scale;
    return Float64Array.from(inverse, (u) => perUnique[u]! / scale);
  }

  /** The novelty unit (absent before the first call). */
  saveState(): StateRecord {
    return this.scale === undefined ? {} : { scale: this.scale };
  }

  loadState(state: StateRecord): void {
    const v = state.scale;
    if (v !== undefined && !(typeof v === 'number' && v > 0)) throw new Error(`checkpoint: rnd scale ${JSON.stringify(v)} is not a positive number`);
    this.scale = v;
  }

  /** One Adam step of the predictor on the mean raw error on the distinct `states`; returns that mean before the step. */
  train(states: Int32Array): number {
    const { unique } = uniqueRows(states, this.env.stateDim);
    if (unique.length === 0) return 0;
    return this.optimizer.minimize(() => tf.mean(this.errors(unique, true)) as Scalar);
  }

  /** Per-state squared error between predictor and target (differentiable in the predictor when `train`). */
  private errors(states: Int32Array, train = false): Tensor1D {
    const n = states.length / this.env.stateDim;
    return tf.tidy(() => {
      const x = tf.tensor2d(this.env.encode(states), [n, this.env.obsDim]);
      const f = this.target.predict(x);
      const g = train ? this.predictor.apply(x) : this.predictor.predict(x);
      return tf.mean(tf.square(tf.sub(g, f)), 1) as Tensor1D;
    });
  }

  dispose(): void {
    this.optimizer.dispose();
    this.target.dispose();
    this.predictor.dispose();
  }
}
