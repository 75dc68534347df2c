import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import { MultiHeadSelfAttention } from './attention.js';
import { type Activation, Dense } from './dense.js';
import { LayerNorm } from './layer-norm.js';

/** Shape of one {@link TransformerBlock}. */
export interface TransformerBlockShape {
  width: number;
  heads: number;
  /** Hidden width of the position-wise feed-forward network. */
  ffWidth: number;
  /** Activation of the feed-forward network's hidden layer. */
  activation: Activation;
}

/**
 * A pre-LayerNorm encoder block (Xiong et al., 2020): `h + Attn(LN(h))`, then `h + FF(LN(h))` with
 * FF = dense(width → ffWidth, activation) then dense(ffWidth → width). Pre-LN keeps the residual
 * path an identity, which trains without learning-rate warm-up.
 */
export class TransformerBlock {
  readonly attentionNorm: LayerNorm;
  readonly attention: MultiHeadSelfAttention;
  readonly feedForwardNorm: LayerNorm;
  readonly hidden: Dense;
  readonly output: Dense;

  constructor(shape: TransformerBlockShape, rng: Rng, name: string) {
    this.attentionNorm = new LayerNorm(shape.width, `${name}/ln1`);
    this.attention = new MultiHeadSelfAttention(shape.width, shape.heads, rng, `${name}/attention`);
    this.feedForwardNorm = new LayerNorm(shape.width, `${name}/ln2`);
    this.hidden = new Dense(shape.width, shape.ffWidth, shape.activation, rng, `${name}/ff1`);
    this.output = new Dense(shape.ffWidth, shape.width, 'linear', rng, `${name}/ff2`);
  }

  /** Differentiable pass over `[batch·positions, width]` tokens. */
  apply(h: Tensor2D, positions: number): Tensor2D {
    const attended: Tensor2D = tf.add(h, this.attention.apply(this.attentionNorm.apply(h), positions));
    return tf.add<Tensor2D>(attended, this.output.apply(this.hidden.apply(this.feedForwardNorm.apply(attended))));
  }

  /** Inference pass (fused dense kernels). */
  predict(h: Tensor2D, positions: number): Tensor2D {
    const attended: Tensor2D = tf.add(h, this.attention.predict(this.attentionNorm.apply(h), positions));
    return tf.add<Tensor2D>(attended, this.output.predict(this.hidden.predict(this.feedForwardNorm.apply(attended))));
  }

  get variables(): Variable[] {
    return [
      ...this.attentionNorm.variables,
      ...this.attention.variables,
      ...this.feedForwardNorm.variables,
      ...this.hidden.variables,
      ...this.output.variables,
    ];
  }

  dispose(): void {
    this.attentionNorm.dispose();
    this.attention.dispose();
    this.feedForwardNorm.dispose();
    this.hidden.dispose();
    this.output.dispose();
  }
}
