import type { Tensor2D, Variable } from '#tensor-types';
import type { DenseChainKernels } from './dense-chain.js';
import { hostFloats, withFloatValues } from './read.js';
import type { TransformerShape, TransformerValues } from './transformer-shape.js';

/** The engine's Transformer pass, which the caller checked the kernels have. */
type TransformerForward = NonNullable<DenseChainKernels['transformerForward']>;

/**
 * A Transformer's inference pass on {@link DenseChainKernels.transformerForward} instead of the
 * tensor backend: the observations are read to the host, the engine runs the whole network as one
 * computation, and the outputs come back as a host array. Why: on the backend one sampling step
 * of 16 rows is ~180 kernel dispatches whose fixed cost, not their arithmetic, is most of the time
 * (docs/transformer.md). The variables stay the source of truth; their values are read again
 * whenever one of them was assigned new data (an optimiser step), into the same arrays (an
 * inference pass keeps nothing between calls, so nothing can still need the old values).
 */
export class TransformerKernelPass {
  private dataIds: object[] = [];
  private parameters: Float32Array[] = [];
  private readonly forward: TransformerForward;

  /**
   * @param variables the network's variables, in the order of `transformerParameterDims(shape)`
   * @param kernels kernels that have `transformerForward` (else this throws)
   */
  constructor(
    private readonly shape: TransformerShape,
    private readonly variables: () => readonly Variable[],
    kernels: DenseChainKernels,
  ) {
    if (!kernels.transformerForward) throw new Error(`engine ${kernels.name} has no Transformer pass`);
    this.forward = kernels.transformerForward.bind(kernels);
  }

  /** The outputs at observations `x` (`rows x outputDim`, row-major, a fresh array). */
  predictValues(x: Tensor2D): Float32Array {
    return this.forward(this.current(), hostFloats(x), x.shape[0]);
  }

  /** The parameters' current values, read again where a variable's data changed. */
  private current(): TransformerValues {
    const variables = this.variables();
    variables.forEach((v, i) => {
      if (this.dataIds[i] === v.dataId) return;
      this.dataIds[i] = v.dataId;
      if (this.parameters[i]?.length !== v.size) this.parameters[i] = new Float32Array(v.size);
      withFloatValues(v, (values) => this.parameters[i]!.set(values));
    });
    return { shape: this.shape, parameters: this.parameters };
  }
}
