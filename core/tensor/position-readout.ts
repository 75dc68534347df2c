import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import { Dense } from './dense.js';
import type { TokenLayout } from './token-embedding.js';

/**
 * The per-position readout of a {@link Transformer} (`readout: 'position'`): one `width → vocabulary`
 * linear head shared by all positions gives position p's logits from token p's output alone, and,
 * where the action space has an exit, a `width → 1` head on the mean of the tokens gives the exit
 * logit. Outputs are symbol-major, `out[symbol·positions + position]`, exit last — the forward action
 * order of the insert-anywhere sequence environments.
 *
 * Why: the `flatten` readout maps all `positions · width` (dense, LayerNorm-ed) token entries to
 * every logit, so Adam's per-weight normalisation moves each logit by up to lr · Σ|h| ≈ lr ·
 * positions · width per step, and turns the tiny gradients of unsampled actions into full-size
 * steps; on the 120-bit insert task that drives TB into policy collapse (docs/transformer.md).
 * Here each logit reads `width` entries and every head weight pools the gradients of all positions.
 */
export class PositionReadout {
  readonly head: Dense;
  readonly exit: Dense | undefined;

  /**
   * @param outputDim `positions · vocabulary` (no exit) or that plus one (exit); anything else throws
   * @param rng initialisation draws, in order: the per-position head, then the exit head
   */
  constructor(
    readonly layout: TokenLayout,
    readonly width: number,
    readonly outputDim: number,
    rng: Rng,
    name: string,
  ) {
    const { positions: P, vocabulary: V } = layout;
    if (outputDim !== P * V && outputDim !== P * V + 1) {
      throw new Error(
        `transformer readout 'position' needs the action space positions x vocabulary (+ exit) = ${P * V} or ${P * V + 1} outputs, got ${outputDim} (use readout 'flatten' or 'mean' for this network)`,
      );
    }
    this.head = new Dense(width, V, 'linear', rng, `${name}/position-head`);
    this.exit = outputDim === P * V + 1 ? new Dense(width, 1, 'linear', rng, `${name}/exit-head`) : undefined;
  }

  /** Differentiable outputs from the flattened `[batch, positions · width]` tokens. */
  apply(tokens: Tensor2D): Tensor2D {
    return this.read(tokens, (d, x) => d.apply(x));
  }

  /** Inference outputs. */
  predict(tokens: Tensor2D): Tensor2D {
    return tf.tidy(() => this.read(tokens, (d, x) => d.predict(x)));
  }

  get variables(): Variable[] {
    return [...this.head.variables, ...(this.exit?.variables ?? [])];
  }

  dispose(): void {
    this.head.dispose();
    this.exit?.dispose();
  }

  private read(tokens: Tensor2D, dense: (d: Dense, x: Tensor2D) => Tensor2D): Tensor2D {
    const { positions: P, vocabulary: V } = this.layout;
    const batch = tokens.shape[0];
    if (batch === 0) return tf.zeros([0, this.outputDim]);
    const perToken = dense(this.head, tf.reshape(tokens, [batch * P, this.width]) as Tensor2D);
    // [batch, P, V] → [batch, V, P]: action a = symbol·P + position
    const logits = tf.reshape(tf.transpose(tf.reshape(perToken, [batch, P, V]), [0, 2, 1]), [batch, V * P]) as Tensor2D;
    if (!this.exit) return logits;
    const pooled = tf.mean(tf.reshape(tokens, [batch, P, this.width]), 1) as Tensor2D;
    return tf.concat([logits, dense(this.exit, pooled)], 1);
  }
}
