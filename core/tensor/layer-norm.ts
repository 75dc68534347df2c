import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Tensor1D, Tensor2D, Variable } from '#tensor-types';
import { ownedVariable } from './names.js';

/** ε inside the square root of the variance (PyTorch's `nn.LayerNorm` default). */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Layer normalisation over the last axis of `[rows, width]`: each row is centred, divided by
 * √(variance + ε) (biased variance, as PyTorch), then scaled by a learned gain (initialised to 1)
 * and shifted by a learned bias (initialised to 0). The gradient is the tensor backend's
 * automatic one: the op is elementwise apart from two row reductions, cheap next to the products.
 */
export class LayerNorm {
  readonly gain: Variable<Rank.R1>;
  readonly bias: Variable<Rank.R1>;

  /**
   * @param width size of the normalised axis
   * @param name prefix of the variables' names
   */
  constructor(
    readonly width: number,
    name: string,
  ) {
    this.gain = ownedVariable(tf.ones([width]) as Tensor1D, `${name}/gain`);
    this.bias = ownedVariable(tf.zeros([width]) as Tensor1D, `${name}/bias`);
  }

  /** Normalised rows (differentiable). */
  apply(x: Tensor2D): Tensor2D {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, 1, true);
      const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON)));
      return tf.add(tf.mul(normalised, this.gain), this.bias) as Tensor2D;
    });
  }

  get variables(): Variable[] {
    return [this.gain, this.bias];
  }

  dispose(): void {
    this.gain.dispose();
    this.bias.dispose();
  }
}
