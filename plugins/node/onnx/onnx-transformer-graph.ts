import { LAYER_NORM_EPSILON } from '../../../core/tensor/layer-norm.js';
import { type TransformerShape, transformerParameterDims } from '../../../core/tensor/transformer-shape.js';
import { encodeGraph, floatTensor, floatValue, int64Tensor, intAttribute, intsAttribute, type OnnxGraph } from './onnx-graph.js';

/** Names of the Transformer graphs' tensors: the observations, the parameters (variables order), the outputs, their seed and gradients. */
export const TRANSFORMER_GRAPH_NAMES = {
  x: 'x',
  parameter: (i: number) => `p${i}`,
  y: 'y',
  dy: 'dy',
  gradient: (i: number) => `dp${i}`,
};
const N = TRANSFORMER_GRAPH_NAMES;

/** A graph being built: `op` adds a node and returns its output's name (`output`, or a fresh one). */
export interface GraphBuilder {
  graph: OnnxGraph;
  op(opType: string, input: string[], attribute?: Array<Record<string, unknown>>, output?: string): string;
}

/** What a LayerNorm of the forward pass left for its gradient: the normalised rows, 1/σ, the gain's parameter index. */
export interface LayerNormTrace {
  input: string;
  normalised: string;
  inverseDeviation: string;
  output: string;
  k: number;
}

/** One block's tensors the backward pass needs. */
export interface BlockTrace {
  input: string;
  attentionNorm: LayerNormTrace;
  /** Queries, keys, values [B, H, P, d] and the attention weights [B, H, P, P]. */
  q: string;
  key: string;
  v: string;
  weights: string;
  joined: string;
  attended: string;
  feedForwardNorm: LayerNormTrace;
  /** The feed-forward hidden layer after its activation. */
  hidden: string;
  k: number;
}

/** The forward pass's tensors: embedding input, blocks, final norm, the readout's input. */
export interface ForwardTrace {
  onehot: string;
  vacant: string;
  blocks: BlockTrace[];
  finalNorm: LayerNormTrace;
  /** Index of the readout's first parameter. */
  readout: number;
  /** The readout's input: the flattened tokens (flatten) or their mean (mean, position's exit). */
  flat?: string;
  pooled?: string;
}

/** A graph of `shape` with input `x`, the parameters as inputs, the shared constants; no nodes yet. */
export function transformerBuilder(shape: TransformerShape, name: string): GraphBuilder {
  const { layout, width: W, heads: H } = shape;
  const { positions: P, vocabulary: V } = layout;
  const d = W / H;
  const graph: OnnxGraph = {
    name,
    node: [],
    initializer: [
      int64Tensor('shape_onehot', [-1, V]),
      int64Tensor('shape_tokens', [-1, P, W]),
      int64Tensor('shape_rows', [-1, W]),
      int64Tensor('shape_heads', [-1, P, 3, H, d]),
      int64Tensor('axis_last', [-1]),
      floatTensor('one', [], Float32Array.of(1)),
      floatTensor('epsilon', [], Float32Array.of(LAYER_NORM_EPSILON)),
      floatTensor('scale', [], Float32Array.of(1 / Math.sqrt(d))),
      ...[0, 1, 2].map((i) => int64Tensor(`index${i}`, [i], [])),
    ],
    input: [floatValue(N.x, ['rows', P * V]), ...transformerParameterDims(shape).map((dims, i) => floatValue(N.parameter(i), dims))],
    output: [],
  };
  let count = 0;
  return {
    graph,
    op: (opType, input, attribute = [], output = `t${count}`) => {
      graph.node.push({ opType, name: `n${count++}`, input, output: [output], attribute });
      return output;
    },
  };
}

/**
 * The Transformer's forward pass (`core/tensor/transformer.ts`) into `b`, the same algebra as the
 * tensor backend's, op for op. Embedding: onehot · W_token + (1 − Σ onehot) · e_empty + W_position.
 * Each block: LayerNorm (mean, biased variance, ε, as the backend's moments), one qkv Gemm, the
 * heads split by a reshape to [B, P, 3, H, d] and a transpose to [3, B, H, P, d], scores q·kᵀ
 * scaled by 1/√d, Softmax over the keys, the heads rejoined and projected; residual add; LayerNorm,
 * feed-forward Gemm, activation, Gemm; residual add. Then the final LayerNorm and the readout
 * (flatten, mean or per position) into output `y`.
 */
export function forwardNodes(b: GraphBuilder, shape: TransformerShape): ForwardTrace {
  const { op } = b;
  const { positions: P, vocabulary: V } = shape.layout;
  const p = N.parameter;
  const layerNorm = (input: string, k: number): LayerNormTrace => {
    const centred = op('Sub', [input, op('ReduceMean', [input], [intsAttribute('axes', [-1]), intAttribute('keepdims', 1)])]);
    const variance = op('ReduceMean', [op('Mul', [centred, centred])], [intsAttribute('axes', [-1]), intAttribute('keepdims', 1)]);
    const inverseDeviation = op('Reciprocal', [op('Sqrt', [op('Add', [variance, 'epsilon'])])]);
    const normalised = op('Mul', [centred, inverseDeviation]);
    return { input, normalised, inverseDeviation, output: op('Add', [op('Mul', [normalised, p(k)]), p(k + 1)]), k };
  };
  const gemm = (h: string, k: number, output?: string): string => op('Gemm', [h, p(k), p(k + 1)], [], output);

  const onehot = op('Reshape', [N.x, 'shape_onehot']);
  const vacant = op('Sub', ['one', op('ReduceSum', [onehot, 'axis_last'], [intAttribute('keepdims', 1)])]);
  const tokens = op('Add', [op('MatMul', [onehot, p(0)]), op('Mul', [vacant, p(1)])]);
  let h = op('Reshape', [op('Add', [op('Reshape', [tokens, 'shape_tokens']), p(2)]), 'shape_rows']);
  const blocks: BlockTrace[] = [];
  for (let l = 0; l < shape.layers; l++) {
    const k = 3 + 12 * l;
    const attentionNorm = layerNorm(h, k);
    const qkv = op('Reshape', [gemm(attentionNorm.output, k + 2), 'shape_heads']);
    const split = op('Transpose', [qkv], [intsAttribute('perm', [2, 0, 3, 1, 4])]);
    const [q, key, v] = [0, 1, 2].map((i) => op('Gather', [split, `index${i}`], [intAttribute('axis', 0)])) as [string, string, string];
    const scores = op('Mul', [op('MatMul', [q, op('Transpose', [key], [intsAttribute('perm', [0, 1, 3, 2])])]), 'scale']);
    const weights = op('Softmax', [scores], [intAttribute('axis', -1)]);
    const joined = op('Reshape', [op('Transpose', [op('MatMul', [weights, v])], [intsAttribute('perm', [0, 2, 1, 3])]), 'shape_rows']);
    const attended = op('Add', [h, gemm(joined, k + 4)]);
    const feedForwardNorm = layerNorm(attended, k + 6);
    let hidden = gemm(feedForwardNorm.output, k + 8);
    if (shape.activation !== 'linear') hidden = op(shape.activation === 'relu' ? 'Relu' : 'Tanh', [hidden]);
    blocks.push({ input: h, attentionNorm, q, key, v, weights, joined, attended, feedForwardNorm, hidden, k });
    h = op('Add', [attended, gemm(hidden, k + 10)]);
  }
  const finalNorm = layerNorm(h, 3 + 12 * shape.layers);
  const normed = finalNorm.output;
  const r = finalNorm.k + 2;
  const trace: ForwardTrace = { onehot, vacant, blocks, finalNorm, readout: r };
  const pool = (): string =>
    (trace.pooled = op('ReduceMean', [op('Reshape', [normed, 'shape_tokens'])], [intsAttribute('axes', [1]), intAttribute('keepdims', 0)]));
  if (shape.readout === 'position') {
    const exit = shape.outputDim === P * V + 1;
    b.graph.initializer.push(int64Tensor('shape_per_token', [-1, P, V]), int64Tensor('shape_logits', [-1, V * P]));
    // [rows·P, V] → [rows, P, V] → [rows, V, P]: action a = symbol·P + position
    const perToken = op('Reshape', [gemm(normed, r), 'shape_per_token']);
    const logits = op('Reshape', [op('Transpose', [perToken], [intsAttribute('perm', [0, 2, 1])]), 'shape_logits'], [], exit ? undefined : N.y);
    if (exit) op('Concat', [logits, gemm(pool(), r + 2)], [intAttribute('axis', 1)], N.y);
  } else if (shape.readout === 'mean') {
    gemm(pool(), r, N.y);
  } else {
    b.graph.initializer.push(int64Tensor('shape_flat', [-1, P * shape.width]));
    trace.flat = op('Reshape', [normed, 'shape_flat']);
    gemm(trace.flat, r, N.y);
  }
  return trace;
}

/** The ONNX graph of a Transformer's inference pass ({@link forwardNodes}): `x` [rows, positions · vocabulary] in, `y` [rows, outputDim] out. */
export function transformerGraph(shape: TransformerShape): Uint8Array {
  const b = transformerBuilder(shape, 'transformer_forward');
  forwardNodes(b, shape);
  b.graph.output.push(floatValue(N.y, ['rows', shape.outputDim]));
  return encodeGraph(b.graph);
}
