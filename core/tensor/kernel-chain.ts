import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Variable } from '#tensor-types';
import type { Dense } from './dense.js';
import type { DenseChainKernels, DenseLayerValues } from './dense-chain.js';
import { withFloatValues } from './read.js';

/** The parameters as host arrays at one moment. */
interface Snapshot {
  /** The variables' data identities when read (an optimiser step assigns new data). */
  dataIds: object[];
  layers: DenseLayerValues[];
  /** Forward passes whose backward pass has not run yet: they still need these values. */
  pending: number;
}

/**
 * A stack of {@link Dense} layers whose passes run on {@link DenseChainKernels} instead of the
 * tensor backend: the inputs are read to the host, the kernels compute, and the outputs (and, in
 * training, the parameter gradients) come back as tensors. The layers' variables stay the source of
 * truth (optimisers, checkpoints and second-order methods see them as before).
 */
export class KernelChain {
  private snapshot?: Snapshot;

  constructor(
    private readonly layers: readonly Dense[],
    private readonly kernels: DenseChainKernels,
  ) {}

  /** Forward pass for inference. */
  predict(x: Tensor2D): Tensor2D {
    const rows = x.shape[0];
    const { y } = this.kernels.forward(this.current().layers, floats(x), rows, false);
    return tf.tensor2d(y, [rows, this.outDim]);
  }

  /**
   * Differentiable forward pass w.r.t. the parameters (not the input: observations are data).
   * The hidden outputs are kept on the host for the backward pass, which the gradient tape runs
   * with the same parameter values the forward pass used.
   */
  apply(x: Tensor2D): Tensor2D {
    const rows = x.shape[0];
    const input = floats(x);
    const snapshot = this.current();
    const variables = this.layers.flatMap((l) => [l.weight, l.bias]);
    // only a pass recorded on a gradient tape gets a backward pass that needs these values later
    const recorded = tf.engine().isTapeOn();
    const op = tf.customGrad(() => {
      const { y, hidden } = this.kernels.forward(snapshot.layers, input, rows, true);
      if (recorded) snapshot.pending += 1;
      return {
        value: tf.tensor2d(y, [rows, this.outDim]),
        gradFunc: (dy: Tensor) => {
          const grads = this.kernels.backward(snapshot.layers, input, hidden, dy.dataSync() as Float32Array, rows);
          snapshot.pending -= 1;
          return this.layers.flatMap((l, i) => [tf.tensor2d(grads.weights[i]!, [l.inDim, l.outDim]), tf.tensor1d(grads.biases[i]!)]);
        },
      };
    }) as unknown as (...vars: Variable[]) => Tensor2D;
    // the custom gradient's arguments are the variables, so that the tape reaches them
    return op(...variables);
  }

  private get outDim(): number {
    return this.layers[this.layers.length - 1]!.outDim;
  }

  /**
   * The parameters' current values. Read again when a variable's data changed, into the previous
   * snapshot's arrays when no backward pass can still need them (so that training allocates no
   * parameter copies, megabytes per update for the collector to follow), else into new ones.
   */
  private current(): Snapshot {
    const dataIds = this.layers.flatMap((l) => [l.weight.dataId, l.bias.dataId]);
    const previous = this.snapshot;
    if (previous?.dataIds.every((id, i) => id === dataIds[i])) return previous;
    // outside every gradient computation no backward pass can come any more (tfjs runs a tape's
    // gradient functions before the computation returns; those it prunes never run)
    const reuse = previous !== undefined && (previous.pending === 0 || tf.engine().state.gradientDepth === 0);
    const layers = this.layers.map((l, i) => {
      const weight = reuse ? previous.layers[i]!.weight : new Float32Array(l.inDim * l.outDim);
      const bias = reuse ? previous.layers[i]!.bias : new Float32Array(l.outDim);
      withFloatValues(l.weight, (v) => weight.set(v));
      withFloatValues(l.bias, (v) => bias.set(v));
      return { inDim: l.inDim, outDim: l.outDim, activation: l.activation, weight, bias };
    });
    this.snapshot = { dataIds, layers, pending: 0 };
    return this.snapshot;
  }
}

/** A tensor's values as float32 (observations may come as integers). */
function floats(x: Tensor): Float32Array {
  const values = x.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
