import type { DenseChainGradients, DenseChainKernels, DenseKernelsOptions, DenseLayerValues } from '../../../core/tensor/dense-chain.js';
import type { FewHotRows } from '../../../core/tensor/few-hot-input.js';
import type { NativeRuntime, NativeSession, OrtTensor } from './onnx-binding.js';
import { backwardGraph, forwardGraph, type GraphInput, GRAPH_NAMES as N } from './onnx-graph.js';
import { transformerPass } from './onnx-transformer-pass.js';

/** A network shape's two sessions. */
interface ChainSessions {
  forward: NativeSession;
  backward: NativeSession;
}

/**
 * {@link DenseChainKernels} on ONNX Runtime's native CPU kernels, in this thread, through the
 * synchronous native session ({@link NativeSession}): one forward and one backward session per
 * network shape and input kind (dense or few-hot rows), made on first use. The parameters are graph
 * inputs (read from the caller's arrays, not copied into the graph), so an update costs nothing here.
 * The Transformer's inference pass likewise, one session per network shape (`onnx-transformer-pass.ts`).
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
  const sessionsFor = (layers: readonly DenseLayerValues[], rows: GraphInput = 'dense'): ChainSessions => {
    const key = `${rows}:${layers.map((l) => `${l.inDim}x${l.outDim}${l.activation}`).join('|')}`;
    let found = sessions.get(key);
    if (!found) {
      found = { forward: open(forwardGraph(layers, 'inputs', rows)), backward: open(backwardGraph(layers, rows)) };
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

  const denseFeeds = (layers: readonly DenseLayerValues[], x: Float32Array, rows: number): Record<string, OrtTensor> => {
    checkRows('input', x, rows, layers[0]!.inDim);
    return { [N.x]: tensor(x, [rows, layers[0]!.inDim]) };
  };
  const fewHotFeeds = (layers: readonly DenseLayerValues[], { columns, perRow }: FewHotRows, rows: number): Record<string, OrtTensor> => {
    if (columns.length !== rows * perRow) throw new Error(`onnxruntime kernels: ${columns.length} input columns for ${rows} rows of ${perRow}`);
    // padding (−1) becomes column 0 with weight 0; a column out of range would read past W
    const safe = new Int32Array(columns.length);
    const keep = new Float32Array(columns.length);
    const inDim = layers[0]!.inDim;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (c >= inDim || c < -1) throw new Error(`onnxruntime kernels: input column ${c} of row ${Math.floor(i / perRow)} is outside [0, ${inDim}) and not −1`);
      safe[i] = Math.max(c, 0);
      keep[i] = c < 0 ? 0 : 1;
    }
    return { [N.columns]: new ort.Tensor('int32', safe, [rows, perRow]), [N.keep]: tensor(keep, [rows, perRow, 1]) };
  };
  const forward = (layers: readonly DenseLayerValues[], feeds: Record<string, OrtTensor>, kind: GraphInput, keepHidden: boolean) => {
    const last = layers.length - 1;
    parameterFeeds(layers, feeds, 0, true);
    const fetches: Record<string, null> = {};
    for (let l = keepHidden ? 0 : last; l <= last; l++) fetches[N.output(l)] = null;
    const result = sessionsFor(layers, kind).forward.run(feeds, fetches, {});
    const hidden = keepHidden ? layers.map((_, l) => result[N.output(l)]!.data) : [];
    return { y: result[N.output(last)]!.data, hidden };
  };
  const backward = (
    layers: readonly DenseLayerValues[],
    feeds: Record<string, OrtTensor>,
    kind: GraphInput,
    hidden: readonly Float32Array[],
    dy: Float32Array,
    rows: number,
  ): DenseChainGradients => {
    checkRows('output gradient', dy, rows, layers[layers.length - 1]!.outDim);
    if (hidden.length !== layers.length)
      throw new Error(`onnxruntime kernels: ${hidden.length} kept layer outputs for ${layers.length} layers (was the forward pass asked to keep them?)`);
    feeds[N.dy] = tensor(dy, [rows, layers[layers.length - 1]!.outDim]);
    layers.forEach((layer, l) => (feeds[N.output(l)] = tensor(hidden[l]!, [rows, layer.outDim])));
    parameterFeeds(layers, feeds, 1, false);
    const fetches: Record<string, null> = {};
    layers.forEach((_, l) => {
      fetches[N.weightGradient(l)] = null;
      fetches[N.biasGradient(l)] = null;
    });
    const result = sessionsFor(layers, kind).backward.run(feeds, fetches, {});
    return { weights: layers.map((_, l) => result[N.weightGradient(l)]!.data), biases: layers.map((_, l) => result[N.biasGradient(l)]!.data) };
  };

  const transformer = transformerPass(ort, open);
  return {
    name: 'onnxruntime',
    transformerForward: transformer.transformerForward,
    transformerBackward: transformer.transformerBackward,
    forward: (layers, x, rows, keepHidden) => forward(layers, denseFeeds(layers, x, rows), 'dense', keepHidden),
    backward: (layers, x, hidden, dy, rows) => backward(layers, denseFeeds(layers, x, rows), 'dense', hidden, dy, rows),
    forwardFewHot: (layers, x, rows, keepHidden) => forward(layers, fewHotFeeds(layers, x, rows), 'few-hot', keepHidden),
    backwardFewHot: (layers, x, hidden, dy, rows) => backward(layers, fewHotFeeds(layers, x, rows), 'few-hot', hidden, dy, rows),
    dispose: () => {
      for (const s of sessions.values()) {
        s.forward.dispose();
        s.backward.dispose();
      }
      sessions.clear();
      transformer.dispose();
    },
  };
}

function checkRows(what: string, values: Float32Array, rows: number, width: number): void {
  if (values.length !== rows * width) throw new Error(`onnxruntime kernels: ${values.length} ${what} values for ${rows} rows of ${width}`);
}
