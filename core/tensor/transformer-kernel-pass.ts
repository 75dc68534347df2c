import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Variable } from '#tensor-types';
import type { DenseChainKernels } from './dense-chain.js';
import { hostFloats, withFloatValues } from './read.js';
import type { TransformerShape, TransformerValues } from './transformer-shape.js';

/** The parameters as host arrays at one moment. */
interface Snapshot {
  /** The variables' data identities when read (an optimiser step assigns new data). */
  dataIds: object[];
  values: TransformerValues;
  /** Forward passes whose backward pass has not run yet: they still need these values. */
  pending: number;
}

/**
 * A Transformer's passes on {@link DenseChainKernels.transformerForward} (inference) and, where the
 * kernels have it, `transformerBackward` (training) instead of the tensor backend: the observations
 * are read to the host, the engine runs the whole network as one computation, and the outputs (and
 * the parameter gradients) come back. Why: on the backend one sampling step of 16 rows is ~180
 * kernel dispatches whose fixed cost, not their arithmetic, is most of the time (docs/transformer.md).
 * The variables stay the source of truth; their values are read again whenever one of them was
 * assigned new data (an optimiser step), into the previous arrays when no backward pass can still
 * need them, else into new ones.
 */
export class TransformerKernelPass {
  private snapshot?: Snapshot;

  /**
   * @param variables the network's variables, in the order of `transformerParameterDims(shape)`
   * @param kernels kernels that have `transformerForward` (else this throws)
   */
  constructor(
    private readonly shape: TransformerShape,
    private readonly variables: () => readonly Variable[],
    private readonly kernels: DenseChainKernels,
  ) {
    if (!kernels.transformerForward) throw new Error(`engine ${kernels.name} has no Transformer pass`);
  }

  /** True when the kernels also run the training pass ({@link apply}). */
  get trains(): boolean {
    return this.kernels.transformerBackward !== undefined;
  }

  /** The outputs at observations `x` (`rows x outputDim`, row-major, a fresh array). */
  predictValues(x: Tensor2D): Float32Array {
    return this.kernels.transformerForward!(this.current().values, hostFloats(x), x.shape[0]);
  }

  /**
   * Differentiable forward pass w.r.t. the variables (not the observations: they are data), on the
   * kernels; the backward pass runs with the parameter values the forward pass used. Only where
   * {@link trains}.
   */
  apply(x: Tensor2D): Tensor2D {
    const rows = x.shape[0];
    const input = hostFloats(x);
    const snapshot = this.current();
    const variables = this.variables();
    // only a pass recorded on a gradient tape gets a backward pass that needs these values later
    const recorded = tf.engine().isTapeOn();
    const op = tf.customGrad(() => {
      const y = this.kernels.transformerForward!(snapshot.values, input, rows);
      if (recorded) snapshot.pending += 1;
      return {
        value: tf.tensor2d(y, [rows, this.shape.outputDim]),
        gradFunc: (dy: Tensor) => {
          const grads = this.kernels.transformerBackward!(snapshot.values, input, dy.dataSync() as Float32Array, rows);
          snapshot.pending -= 1;
          return variables.map((v, i) => tf.tensor(grads[i]!, v.shape));
        },
      };
    }) as unknown as (...vars: Variable[]) => Tensor2D;
    // the custom gradient's arguments are the variables, so that the tape reaches them
    return op(...variables);
  }

  /**
   * The parameters' current values. Read again when a variable's data changed, into the previous
   * snapshot's arrays when no backward pass can still need them, else into new ones.
   */
  private current(): Snapshot {
    const variables = this.variables();
    const dataIds = variables.map((v) => v.dataId);
    const previous = this.snapshot;
    if (previous?.dataIds.every((id, i) => id === dataIds[i])) return previous;
    // outside every gradient computation no backward pass can come any more (tfjs runs a tape's
    // gradient functions before the computation returns; those it prunes never run)
    const reuse = previous !== undefined && (previous.pending === 0 || tf.engine().state.gradientDepth === 0);
    const parameters = variables.map((v, i) => {
      const values = reuse ? previous.values.parameters[i]! : new Float32Array(v.size);
      withFloatValues(v, (current) => values.set(current));
      return values;
    });
    this.snapshot = { dataIds, values: { shape: this.shape, parameters }, pending: 0 };
    return this.snapshot;
  }
}
