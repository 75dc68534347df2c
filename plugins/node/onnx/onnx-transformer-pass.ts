import type { DenseChainKernels } from '../../../core/tensor/dense-chain.js';
import { transformerParameterDims, type TransformerValues } from '../../../core/tensor/transformer-shape.js';
import type { NativeRuntime, NativeSession, OrtTensor } from './onnx-binding.js';
import { TRANSFORMER_GRAPH_NAMES as N, transformerGraph } from './onnx-transformer-graph.js';

/**
 * {@link DenseChainKernels.transformerForward} on ONNX Runtime: one session per network shape, made
 * on first use from {@link transformerGraph}; the parameters and rows are fed at every run (read
 * from the caller's arrays), so an update of the variables costs no new session.
 *
 * @param open makes a session of an encoded model with the kernels' options
 */
export function transformerPass(
  ort: NativeRuntime,
  open: (model: Uint8Array) => NativeSession,
): { forward: NonNullable<DenseChainKernels['transformerForward']>; dispose(): void } {
  const sessions = new Map<string, NativeSession>();
  const forward = ({ shape, parameters }: TransformerValues, x: Float32Array, rows: number): Float32Array => {
    const { positions, vocabulary } = shape.layout;
    const full = { ...shape, readout: shape.readout ?? 'flatten' };
    const dims = transformerParameterDims(full);
    if (parameters.length !== dims.length) throw new Error(`onnxruntime kernels: ${parameters.length} Transformer parameters, its shape has ${dims.length}`);
    if (x.length !== rows * positions * vocabulary)
      throw new Error(`onnxruntime kernels: ${x.length} input values for ${rows} rows of ${positions} x ${vocabulary}`);
    const feeds: Record<string, OrtTensor> = { [N.x]: new ort.Tensor('float32', x, [rows, positions * vocabulary]) };
    dims.forEach((d, i) => {
      const values = parameters[i]!;
      if (values.length !== d.reduce((a, b) => a * b, 1))
        throw new Error(`onnxruntime kernels: Transformer parameter ${i} has ${values.length} values, its shape is ${d.join('x')}`);
      feeds[N.parameter(i)] = new ort.Tensor('float32', values, d);
    });
    const key = JSON.stringify(full);
    let session = sessions.get(key);
    if (!session) {
      session = open(transformerGraph(full));
      sessions.set(key, session);
    }
    return session.run(feeds, { [N.y]: null }, {})[N.y]!.data;
  };
  return {
    forward,
    dispose: () => {
      for (const s of sessions.values()) s.dispose();
      sessions.clear();
    },
  };
}
