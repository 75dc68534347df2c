import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Variable } from '#tensor-types';
import type { Estimator, Linearization } from './estimator.js';
import { linearizeByAutodiff } from './autodiff-linearization.js';
import type { Rng } from '../base/rng.js';
import { Dense } from './dense.js';
import { LayerNorm } from './layer-norm.js';
import { PositionReadout } from './position-readout.js';
import { TokenEmbedding } from './token-embedding.js';
import type { TransformerShape } from './transformer-shape.js';
import type { DenseChainKernels } from './dense-chain.js';
import { TransformerKernelPass } from './transformer-kernel-pass.js';
import { readValues } from './read.js';
import { TransformerBlock } from './transformer-block.js';
import { sharedTrunkEstimator } from './shared-trunk.js';

export { TRANSFORMER_READOUTS, type TransformerReadout, type TransformerShape } from './transformer-shape.js';

/**
 * A Transformer encoder over the tokens of a sequence observation: token + position embeddings
 * ({@link TokenEmbedding}), `layers` pre-LN blocks of unmasked multi-head self-attention and
 * feed-forward ({@link TransformerBlock}), a final LayerNorm, then a linear readout of the
 * flattened `positions · width` token vectors to `outputDim` (or of their mean, `readout: 'mean'`).
 *
 * Why a flattened readout rather than a pooled one: the insert-anywhere policy needs one logit per
 * (symbol, position), and a linear map of the concatenated tokens can read position p's logits off
 * token p, while a mean over positions would mix them and leave the positions to be told apart by
 * what the embeddings left in the average. The same readout serves every `outputDim` (append logits,
 * flows, values), so the estimator needs no knowledge of the action layout. The mean readout is
 * the cheaper alternative where the readout dominates the cost (large `outputDim · positions`).
 * `readout: 'position'` reads each position's logits off its own token with one shared head
 * ({@link PositionReadout}); it trains stably with TB where `flatten` collapses (docs/transformer.md).
 */
export class Transformer implements Estimator {
  readonly embedding: TokenEmbedding;
  readonly blocks: TransformerBlock[];
  readonly finalNorm: LayerNorm;
  readonly readout: Dense | PositionReadout;
  /** Where `predict` (and `apply`) run when the kernels have a Transformer pass (empty batches stay on the backend). */
  private readonly kernelPass?: TransformerKernelPass;

  /**
   * @param rng initialisation draws, in order: embeddings, blocks, readout (same seed, same numbers)
   * @param name prefix of the variables' names (the estimator's role)
   * @param kernels optional engine of the inference pass (`predict`, `predictValues`), used where
   *   it has `transformerForward`, and of the training pass (`apply`) where it has
   *   `transformerBackward` too; without them every pass runs on the tensor backend
   */
  constructor(
    readonly shape: TransformerShape,
    rng: Rng,
    name: string,
    kernels?: DenseChainKernels,
  ) {
    const { layout, width, heads, ffWidth, activation, layers } = shape;
    this.embedding = new TokenEmbedding(layout, width, rng, `${name}/embedding`);
    this.blocks = Array.from({ length: layers }, (_, i) => new TransformerBlock({ width, heads, ffWidth, activation }, rng, `${name}/block${i}`));
    this.finalNorm = new LayerNorm(width, `${name}/ln`);
    this.readout =
      shape.readout === 'position'
        ? new PositionReadout(layout, width, shape.outputDim, rng, `${name}/readout`)
        : new Dense(this.trunkDim, shape.outputDim, 'linear', rng, `${name}/readout`);
    if (kernels?.transformerForward) this.kernelPass = new TransformerKernelPass(shape, () => this.variables, kernels);
  }

  get inputDim(): number {
    return this.shape.layout.positions * this.shape.layout.vocabulary;
  }

  get outputDim(): number {
    return this.shape.outputDim;
  }

  /** Width of the flattened token vectors the readout (or a shared head) reads. */
  get trunkDim(): number {
    return this.shape.readout === 'mean' ? this.shape.width : this.shape.layout.positions * this.shape.width;
  }

  /** Differentiable forward pass (no gradient w.r.t. the observations). */
  apply(x: Tensor2D): Tensor2D {
    if (this.kernelPass?.trains && x.shape[0] > 0) {
      this.checkWidth(x);
      return this.kernelPass.apply(x);
    }
    return this.backendApply(x);
  }

  /** {@link apply} on the tensor backend (twice differentiable, which the kernels' pass is not). */
  private backendApply(x: Tensor2D): Tensor2D {
    return this.readout.apply(this.trunkApply(x));
  }

  /** Forward pass for inference. */
  predict(x: Tensor2D): Tensor2D {
    if (this.kernelPass && x.shape[0] > 0) {
      this.checkWidth(x);
      return tf.tensor2d(this.kernelPass.predictValues(x), [x.shape[0], this.outputDim]);
    }
    return tf.tidy(() => this.readout.predict(this.trunkPredict(x)));
  }

  /** {@link predict}'s outputs on the host; on the kernels straight from them, with no tensor between. */
  predictValues(x: Tensor2D): Float32Array {
    if (!this.kernelPass || x.shape[0] === 0) return readValues(() => this.predict(x));
    this.checkWidth(x);
    return this.kernelPass.predictValues(x);
  }

  /** Differentiable `[batch, trunkDim]` output of the final LayerNorm (flattened or averaged). */
  trunkApply(x: Tensor2D): Tensor2D {
    return this.trunk(x, (block, h) => block.apply(h, this.shape.layout.positions));
  }

  /** Inference output of the final LayerNorm. */
  trunkPredict(x: Tensor2D): Tensor2D {
    return this.trunk(x, (block, h) => block.predict(h, this.shape.layout.positions));
  }

  /**
   * A second estimator on this network's embeddings and blocks with its own linear readout (e.g. a
   * backward policy sharing P_F's trunk). Its variables include the shared ones; disposing it
   * frees only its own readout.
   */
  withSharedTrunk(outputDim: number, rng: Rng, role: string): Estimator {
    const head = new Dense(this.trunkDim, outputDim, 'linear', rng, `${role}/readout`);
    return sharedTrunkEstimator(
      { inputDim: this.inputDim, trunkApply: (x) => this.trunkApply(x), trunkPredict: (x) => this.trunkPredict(x), trunkVariables: () => this.trunkVariables },
      head,
      outputDim,
    );
  }

  /**
   * The linearisation at inputs `x` (Jacobian products for RL-T), by automatic differentiation:
   * see `autodiff-linearization.ts`.
   */
  linearize(x: Tensor2D): Linearization {
    // J·v differentiates the gradient once more: through the backend's pass, not the kernels'
    return linearizeByAutodiff({ apply: (input) => this.backendApply(input), predict: (input) => this.predict(input), variables: this.variables }, x);
  }

  /** Variables of the embeddings, blocks and final norm (all but the readout). */
  get trunkVariables(): Variable[] {
    return [...this.embedding.variables, ...this.blocks.flatMap((b) => b.variables), ...this.finalNorm.variables];
  }

  get variables(): Variable[] {
    return [...this.trunkVariables, ...this.readout.variables];
  }

  dispose(): void {
    this.embedding.dispose();
    for (const b of this.blocks) b.dispose();
    this.finalNorm.dispose();
    this.readout.dispose();
  }

  private checkWidth(x: Tensor2D): void {
    if (x.shape[1] !== this.inputDim) {
      throw new Error(
        `transformer: observations have ${x.shape[1]} columns, the token layout ${this.shape.layout.positions} positions x ${this.shape.layout.vocabulary} symbols = ${this.inputDim}`,
      );
    }
  }

  private trunk(x: Tensor2D, block: (b: TransformerBlock, h: Tensor2D) => Tensor2D): Tensor2D {
    this.checkWidth(x);
    const batch = x.shape[0];
    // the wasm transpose of the attention fails on empty tensors; no rows, no tokens to mix
    if (batch === 0) return tf.zeros([0, this.trunkDim]);
    let h = this.embedding.apply(x);
    for (const b of this.blocks) h = block(b, h);
    const normed = this.finalNorm.apply(h);
    if (this.shape.readout === 'mean') return tf.mean(tf.reshape(normed, [batch, this.shape.layout.positions, this.shape.width]), 1);
    return tf.reshape(normed, [batch, this.trunkDim]);
  }
}
