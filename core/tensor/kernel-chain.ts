import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Variable } from '#tensor-types';
import type { Dense } from './dense.js';
import type { DenseChainGradients, DenseChainKernels, DenseLayerValues } from './dense-chain.js';
import { denseFromColumns, type FewHotRows, fewHotRowsOf, isFewHotInput } from './few-hot-input.js';
import { hostFloats, withFloatValues } from './read.js';

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
    return tf.tensor2d(this.predictValues(x), [x.shape[0], this.outDim]);
  }

  /** {@link predict}'s outputs as the kernels' own host array (fresh, the caller's). */
  predictValues(x: Tensor2D): Float32Array {
    return this.passes(x).forward(this.current().layers, x.shape[0], false).y;
  }

  /**
   * Differentiable forward pass w.r.t. the parameters (not the input: observations are data).
   * The hidden outputs are kept on the host for the backward pass, which the gradient tape runs
   * with the same parameter values the forward pass used.
   */
  apply(x: Tensor2D): Tensor2D {
    const rows = x.shape[0];
    const passes = this.passes(x);
    const snapshot = this.current();
    const variables = this.layers.flatMap((l) => [l.weight, l.bias]);
    // only a pass recorded on a gradient tape gets a backward pass that needs these values later
    const recorded = tf.engine().isTapeOn();
    const op = tf.customGrad(() => {
      const { y, hidden } = passes.forward(snapshot.layers, rows, true);
      if (recorded) snapshot.pending += 1;
      return {
        value: tf.tensor2d(y, [rows, this.outDim]),
        gradFunc: (dy: Tensor) => {
          const grads = passes.backward(snapshot.layers, hidden, dy.dataSync() as Float32Array, rows);
          snapshot.pending -= 1;
          return this.layers.flatMap((l, i) => [tf.tensor2d(grads.weights[i]!, [l.inDim, l.outDim]), tf.tensor1d(grads.biases[i]!)]);
        },
      };
    }) as unknown as (...vars: Variable[]) => Tensor2D;
    // the custom gradient's arguments are the variables, so that the tape reaches them
    return op(...variables);
  }

  /**
   * The kernels' passes over input `x`, read to the host once: few-hot columns go to the kernels'
   * few-hot passes where they have them, else as the dense rows they stand for.
   */
  private passes(x: Tensor2D): InputPasses {
    const k = this.kernels;
    if (isFewHotInput(x)) {
      const rows: FewHotRows = fewHotRowsOf(x);
      if (k.forwardFewHot && k.backwardFewHot) {
        const [forward, backward] = [k.forwardFewHot.bind(k), k.backwardFewHot.bind(k)];
        return {
          forward: (layers, n, keep) => forward(layers, rows, n, keep),
          backward: (layers, hidden, dy, n) => backward(layers, rows, hidden, dy, n),
        };
      }
      return densePasses(k, denseFromColumns(rows, this.layers[0]!.inDim));
    }
    return densePasses(k, hostFloats(x));
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

/** The kernels' forward and backward passes with their input bound. */
interface InputPasses {
  forward(layers: readonly DenseLayerValues[], rows: number, keepHidden: boolean): { y: Float32Array; hidden: Float32Array[] };
  backward(layers: readonly DenseLayerValues[], hidden: readonly Float32Array[], dy: Float32Array, rows: number): DenseChainGradients;
}

function densePasses(kernels: DenseChainKernels, input: Float32Array): InputPasses {
  return {
    forward: (layers, rows, keep) => kernels.forward(layers, input, rows, keep),
    backward: (layers, hidden, dy, rows) => kernels.backward(layers, input, hidden, dy, rows),
  };
}
