import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Tensor, Tensor2D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import { ownedVariable } from './names.js';

/**
 * How an observation splits into tokens: `positions` one-hot blocks of `vocabulary` entries (the
 * shape of an environment's `tokenLayout()`, restated here so that the tensor layer does not
 * depend on the environment contracts).
 */
export interface TokenLayout {
  positions: number;
  vocabulary: number;
}

/**
 * Embeds one-hot token observations (`[batch, positions·vocabulary]`, block p one-hot on the symbol
 * at position p, all zero where p is empty) as `[batch·positions, width]` token vectors:
 * `onehot · W_token + (1 − filled) · e_empty + W_position[p]`.
 *
 * The product with the one-hot block is a row gather of `W_token`, written as a product so that
 * the observation format stays the environments' one. An empty position would embed to the zero
 * vector, which the network could tell apart from a symbol only by its norm; the learned
 * `e_empty` makes "empty" a token of its own, as a padding symbol would. All three tables are
 * drawn from N(0, 1) (PyTorch's `nn.Embedding` default), in the order token, empty, position.
 */
export class TokenEmbedding {
  readonly token: Variable<Rank.R2>;
  readonly empty: Variable<Rank.R2>;
  readonly position: Variable<Rank.R2>;

  constructor(
    readonly layout: TokenLayout,
    readonly width: number,
    rng: Rng,
    name: string,
  ) {
    const table = (rows: number, label: string): Variable<Rank.R2> =>
      ownedVariable(
        tf.tensor2d(
          Float32Array.from({ length: rows * width }, () => rng.normal()),
          [rows, width],
        ),
        `${name}/${label}`,
      );
    this.token = table(layout.vocabulary, 'token');
    this.empty = table(1, 'empty');
    this.position = table(layout.positions, 'position');
  }

  /** Token vectors of `x` (differentiable in the three tables; the observations are data). */
  apply(x: Tensor2D): Tensor2D {
    return tf.tidy(() => {
      const { positions, vocabulary } = this.layout;
      const batch = x.shape[0];
      const onehot = tf.reshape(x, [batch * positions, vocabulary]) as Tensor2D;
      const vacant = tf.sub(1, tf.sum(onehot, 1, true));
      const tokens = tf.add(constantTimesParameter(onehot)(this.token), tf.mul(vacant, this.empty));
      const placed = tf.add(tf.reshape(tokens, [batch, positions, this.width]), this.position);
      return tf.reshape(placed, [batch * positions, this.width]) as Tensor2D;
    });
  }

  get variables(): Variable[] {
    return [this.token, this.empty, this.position];
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * `x · w` for constant `x`, differentiable in `w` only, with dW = xᵀ·dy through an explicit
 * transpose: the automatic gradient of a product would also compute dx (unused: observations are
 * data) and uses transposed-operand products, which are the slow ones on wasm (see `dense.ts`).
 */
function constantTimesParameter(x: Tensor2D): (w: Tensor2D) => Tensor2D {
  const fn = tf.customGrad((...args: unknown[]) => {
    const [w, save] = args as [Tensor2D, tf.GradSaveFunc];
    // x is saved: the caller's tidy may dispose it before the backward pass runs
    save([x]);
    return { value: tf.matMul(x, w), gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.matMul(tf.transpose(saved[0]!), dy as Tensor2D)] };
  });
  return fn as unknown as (w: Tensor2D) => Tensor2D;
}
