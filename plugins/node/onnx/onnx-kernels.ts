import type { DenseChainGradients, DenseChainKernels, DenseKernelsOptions, DenseLayerValues } from '../../../core/tensor/dense-chain.js';
import type { NativeRuntime, NativeSession, OrtTensor } from './onnx-binding.js';
import { backwardGraph, forwardGraph, GRAPH_NAMES as N } from './onnx-graph.js';

/** A network shape's two sessions. */
interface ChainSessions {
  forward: NativeSession;
  backward: NativeSession;
}

/**
 * {@link DenseChainKernels} on ONNX Runtime's native CPU kernels, in this thread, through the
 * synchronous native session ({@link NativeSession}): one forward and one backward session per
 * network shape, made on first use. The parameters are graph inputs (read from the caller's
 * arrays, not copied into the graph), so an update costs nothing here.
 *
 * @param ort the runtime's native session and tensor classes, loaded and checked (`loadNativeRuntime`)
 */
export function onnxKernels(ort: NativeRuntime, options: DenseKernelsOptions): DenseChainKernels {
  const sessions = new Map<string, ChainSessions>();
  const sessionOptions = { intraOpNumThreads: options.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
  const open = (model: Uint8Array): NativeSession => {
    const session = new ort.InferenceSession();
    session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, sessionOptions);
    return session;
  };
  const sessionsFor = (layers: readonly DenseLayerValues[]): ChainSessions => {
    const key = layers.map((l) => `${l.inDim}x${l.outDim}${l.activation}`).join('|');
    let found = sessions.get(key);
    if (!found) {
      found = { forward: open(forwardGraph(layers, 'inputs')), backward: open(backwardGraph(layers)) };
      sessions.set(key, found);
    }
    return found;
  };
  const tensor = (data: Float32Array, dims: readonly number[]): OrtTensor => new ort.Tensor('float32', data, dims);
  const parameterFeeds = (layers: readonly DenseLayerValues[], feeds: Record<string, OrtTensor>, from: number, withBias: boolean): void => {
    layers.forEach((layer, l) => {
      if (l < from) return;
      feeds[N.weight(l)] = tensor(layer.weight, [layer.inDim, layer.outDim]);
      if (withBias) feeds[N.bias(l)] = tensor(layer.bias, [layer.outDim]);
    });
  };

  return {
    name: 'onnxruntime',
    forward: (layers, x, rows, keepHidden) => {
      checkRows('input', x, rows, layers[0]!.inDim);
      const last = layers.length - 1;
      const feeds: Record<string, OrtTensor> = { [N.x]: tensor(x, [rows, layers[0]!.inDim]) };
      parameterFeeds(layers, feeds, 0, true);
      const fetches: Record<string, null> = {};
      for (let l = keepHidden ? 0 : last; l <= last; l++) fetches[N.output(l)] = null;
      const result = sessionsFor(layers).forward.run(feeds, fetches, {});
      const hidden = keepHidden ? layers.map((_, l) => result[N.output(l)]!.data) : [];
      return { y: result[N.output(last)]!.data, hidden };
    },
    backward: (layers, x, hidden, dy, rows): DenseChainGradients => {
      checkRows('input', x, rows, layers[0]!.inDim);
      checkRows('output gradient', dy, rows, layers[layers.length - 1]!.outDim);
      if (hidden.length !== layers.length)
        throw new Error(`onnxruntime kernels: ${hidden.length} kept layer outputs for ${layers.length} layers (was the forward pass asked to keep them?)`);
      const feeds: Record<string, OrtTensor> = { [N.x]: tensor(x, [rows, layers[0]!.inDim]), [N.dy]: tensor(dy, [rows, layers[layers.length - 1]!.outDim]) };
      layers.forEach((layer, l) => (feeds[N.output(l)] = tensor(hidden[l]!, [rows, layer.outDim])));
      parameterFeeds(layers, feeds, 1, false);
      const fetches: Record<string, null> = {};
      layers.forEach((_, l) => {
        fetches[N.weightGradient(l)] = null;
        fetches[N.biasGradient(l)] = null;
      });
      const result = sessionsFor(layers).backward.run(feeds, fetches, {});
      return { weights: layers.map((_, l) => result[N.weightGradient(l)]!.data), biases: layers.map((_, l) => result[N.biasGradient(l)]!.data) };
    },
    dispose: () => {
      for (const s of sessions.values()) {
        s.forward.dispose();
        s.backward.dispose();
      }
      sessions.clear();
    },
  };
}

function checkRows(what: string, values: Float32Array, rows: number, width: number): void {
  if (values.length !== rows * width) throw new Error(`onnxruntime kernels: ${values.length} ${what} values for ${rows} rows of ${width}`);
}
