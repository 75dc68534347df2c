import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import { Dense } from './dense.js';

/**
 * Multi-head self-attention over the `positions` tokens of each sequence, without a mask (every
 * position attends to every position): rows `b·positions + p` of a `[batch·positions, width]`
 * matrix are the tokens of sequence b. Queries, keys and values come from one `width → 3·width`
 * dense layer (one product instead of three); head h uses columns `[h·d, (h+1)·d)` of each, with
 * d = width / heads; the heads' outputs are concatenated and projected by a `width → width` layer.
 * Scores are scaled by 1/√d before the softmax (Vaswani et al., 2017).
 */
export class MultiHeadSelfAttention {
  readonly qkv: Dense;
  readonly out: Dense;
  readonly headWidth: number;

  /**
   * @param width token width; must be a multiple of `heads`
   * @param heads number of attention heads
   * @param rng initialisation draws (the dense layers', in order: qkv then output)
   * @param name prefix of the variables' names
   */
  constructor(
    readonly width: number,
    readonly heads: number,
    rng: Rng,
    name: string,
  ) {
    if (!Number.isInteger(heads) || heads < 1 || width % heads !== 0) throw new Error(`${name}: width ${width} must be a multiple of heads ${heads}`);
    this.headWidth = width / heads;
    this.qkv = new Dense(width, 3 * width, 'linear', rng, `${name}/qkv`);
    this.out = new Dense(width, width, 'linear', rng, `${name}/out`);
  }

  /** Differentiable pass: `x` is `[batch·positions, width]`, so is the result. */
  apply(x: Tensor2D, positions: number): Tensor2D {
    return this.out.apply(this.mix(this.qkv.apply(x), positions));
  }

  /** Inference pass (fused dense kernels, no gradient bookkeeping). */
  predict(x: Tensor2D, positions: number): Tensor2D {
    return this.out.predict(this.mix(this.qkv.predict(x), positions));
  }

  /** Attention of the projected queries, keys and values (`[rows, 3·width]`): the concatenated heads. */
  private mix(qkv: Tensor2D, positions: number): Tensor2D {
    const { width, heads, headWidth } = this;
    const rows = qkv.shape[0];
    const batch = rows / positions;
    // [3, batch·heads, P, d]: q, k and v of every (sequence, head) together. Through a rank-4 then
    // a rank-3 transpose: the wasm backend's rank-5 transpose, which would do it in one, is ~40x
    // slower than the two (measured at 256 sequences x 15 positions x 64 wide: 70 ms vs 1.8 + 0.8 ms)
    const byHead = tf.transpose(tf.reshape(qkv, [batch, positions, 3 * heads, headWidth]), [0, 2, 1, 3]);
    const split = tf.reshape(tf.transpose(tf.reshape(byHead, [batch, 3, heads * positions * headWidth]), [1, 0, 2]), [3, batch * heads, positions, headWidth]);
    const [q, k, v] = tf.unstack(split, 0) as [Tensor3D, Tensor3D, Tensor3D];
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headWidth));
    const mixed = tf.matMul(tf.softmax(scores), v);
    return tf.reshape(tf.transpose(tf.reshape(mixed, [batch, heads, positions, headWidth]), [0, 2, 1, 3]), [rows, width]);
  }

  get variables(): Variable[] {
    return [...this.qkv.variables, ...this.out.variables];
  }

  dispose(): void {
    this.qkv.dispose();
    this.out.dispose();
  }
}
