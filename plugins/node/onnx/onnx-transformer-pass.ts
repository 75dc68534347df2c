import type { DenseChainKernels } from '../../../core/tensor/dense-chain.js';
import { type TransformerShape, transformerParameterDims, type TransformerValues } from '../../../core/tensor/transformer-shape.js';
import type { NativeRuntime, NativeSession, OrtTensor } from './onnx-binding.js';
import { transformerGradientGraph } from './onnx-transformer-backward.js';
import { TRANSFORMER_GRAPH_NAMES as N, transformerGraph } from './onnx-transformer-graph.js';

/**
 * {@link DenseChainKernels.transformerForward} and `transformerBackward` on ONNX Runtime: one session
 * per network shape and pass, made on first use from {@link transformerGraph} and
 * {@link transformerGradientGraph}; the parameters and rows are fed at every run (read
 * from the caller's arrays), so an update of the variables costs no new session.
 *
 * @param open makes a session of an encoded model with the kernels' options
 */
export function transformerPass(
  ort: NativeRuntime,
  open: (model: Uint8Array) => NativeSession,
): Required<Pick<DenseChainKernels, 'transformerForward' | 'transformerBackward'>> & { dispose(): void } {
  const sessions = new Map<string, NativeSession>();
  /** The session of `graph` for `shape`, made on first use. */
  const sessionFor = (graph: 'forward' | 'backward', shape: TransformerShape): NativeSession => {
    const key = `${graph}:${JSON.stringify(shape)}`;
    let session = sessions.get(key);
    if (!session) {
      session = open(graph === 'forward' ? transformerGraph(shape) : transformerGradientGraph(shape));
      sessions.set(key, session);
    }
    return session;
  };
  /** The feeds of the observations and parameters, checked against the shape; the shape with its readout. */
  const feedsOf = ({ shape, parameters }: TransformerValues, x: Float32Array, rows: number): { full: TransformerShape; feeds: Record<string, OrtTensor> } => {
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
    return { full, feeds };
  };
  return {
    transformerForward: (network, x, rows) => {
      const { full, feeds } = feedsOf(network, x, rows);
      return sessionFor('forward', full).run(feeds, { [N.y]: null }, {})[N.y]!.data;
    },
    transformerBackward: (network, x, dy, rows) => {
      const { full, feeds } = feedsOf(network, x, rows);
      if (dy.length !== rows * full.outputDim)
        throw new Error(`onnxruntime kernels: ${dy.length} output gradient values for ${rows} rows of ${full.outputDim}`);
      feeds[N.dy] = new ort.Tensor('float32', dy, [rows, full.outputDim]);
      const count = network.parameters.length;
      const fetches = Object.fromEntries(Array.from({ length: count }, (_, i) => [N.gradient(i), null]));
      const result = sessionFor('backward', full).run(feeds, fetches, {});
      return Array.from({ length: count }, (_, i) => result[N.gradient(i)]!.data);
    },
    dispose: () => {
      for (const s of sessions.values()) s.dispose();
      sessions.clear();
    },
  };
}
