import * as tf from '@tensorflow/tfjs';
import type { Estimator } from '../../core/tensor/estimator.js';
import { ownedVariable } from '../../core/tensor/names.js';

/**
 * A lookup table over the states of a 2-D HyperGrid of height H, as an {@link Estimator}: the K-hot
 * input (one-hot of x0, one-hot of x1) becomes the one-hot of the state index x0·H + x1 by an outer
 * product, and the output is that state's row of a trainable H² x `outputDim` table. Any function
 * of the state is representable, so exact fixed points can be checked without approximation error.
 */
export class TabularGridEstimator implements Estimator {
  readonly inputDim: number;
  readonly table: tf.Variable<tf.Rank.R2>;

  constructor(
    readonly height: number,
    readonly outputDim: number,
    initial: Float32Array = new Float32Array(height * height * outputDim),
  ) {
    this.inputDim = 2 * height;
    this.table = ownedVariable(tf.tensor2d(initial, [height * height, outputDim]), 'tabular');
  }

  get variables(): readonly tf.Variable[] {
    return [this.table];
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.height;
      const rows = x.shape[0];
      const first = tf.reshape(tf.slice(x, [0, 0], [rows, h]), [rows, h, 1]);
      const second = tf.reshape(tf.slice(x, [0, h], [rows, h]), [rows, 1, h]);
      return tf.matMul(tf.reshape(tf.mul(first, second), [rows, h * h]), this.table);
    });
  }

  predict(x: tf.Tensor2D): tf.Tensor2D {
    return this.apply(x);
  }

  dispose(): void {
    this.table.dispose();
  }
}
