import * as tf from '@tensorflow/tfjs-core';
import type { Dense } from './dense.js';
import type { DenseChainKernels, DenseLayerValues } from './dense-chain.js';

/**
 * A stack of {@link Dense} layers whose passes run on {@link DenseChainKernels} instead of the
 * tensor backend: the inputs are read to the host, the kernels compute, and the outputs (and, in
 * training, the parameter gradients) come back as tensors. The layers' variables stay the source of
 * truth (optimisers, checkpoints and second-order methods see them as before).
 */
export class KernelChain {
  /** The parameters as host arrays, read once per parameter value (an optimiser step assigns new data). */
  private snapshot?: { dataIds: object[]; layers: DenseLayerValues[] };

  constructor(
    private readonly layers: readonly Dense[],
    private readonly kernels: DenseChainKernels,
  ) {}

  /** Forward pass for inference. */
  predict(x: tf.Tensor2D): tf.Tensor2D {
    const rows = x.shape[0];
    const { y } = this.kernels.forward(this.values(), floats(x), rows, false);
    return tf.tensor2d(y, [rows, this.outDim]);
  }

  /**
   * Differentiable forward pass w.r.t. the parameters (not the input: observations are data).
   * The hidden outputs are kept on the host for the backward pass, which the gradient tape runs
   * with the same parameter values the forward pass used.
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const rows = x.shape[0];
    const input = floats(x);
    const values = this.values();
    const variables = this.layers.flatMap((l) => [l.weight, l.bias]);
    const op = tf.customGrad(() => {
      const { y, hidden } = this.kernels.forward(values, input, rows, true);
      return {
        value: tf.tensor2d(y, [rows, this.outDim]),
        gradFunc: (dy: tf.Tensor) => {
          const grads = this.kernels.backward(values, input, hidden, dy.dataSync() as Float32Array, rows);
          return this.layers.flatMap((l, i) => [tf.tensor2d(grads.weights[i]!, [l.inDim, l.outDim]), tf.tensor1d(grads.biases[i]!)]);
        },
      };
    }) as unknown as (...vars: tf.Variable[]) => tf.Tensor2D;
    // the custom gradient's arguments are the variables, so that the tape reaches them
    return op(...variables);
  }

  private get outDim(): number {
    return this.layers[this.layers.length - 1]!.outDim;
  }

  private values(): DenseLayerValues[] {
    const dataIds = this.layers.flatMap((l) => [l.weight.dataId, l.bias.dataId]);
    if (!this.snapshot || this.snapshot.dataIds.some((id, i) => id !== dataIds[i])) {
      const layers = this.layers.map((l) => ({
        inDim: l.inDim,
        outDim: l.outDim,
        activation: l.activation,
        weight: l.weight.dataSync() as Float32Array,
        bias: l.bias.dataSync() as Float32Array,
      }));
      this.snapshot = { dataIds, layers };
    }
    return this.snapshot.layers;
  }
}

/** A tensor's values as float32 (observations may come as integers). */
function floats(x: tf.Tensor): Float32Array {
  const values = x.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
