import { LAYER_NORM_EPSILON } from '../../../core/tensor/layer-norm.js';
import { type TransformerShape, transformerParameterDims } from '../../../core/tensor/transformer-shape.js';
import { encodeGraph, floatAttribute, floatTensor, floatValue, int64Tensor, intAttribute, intsAttribute, type OnnxGraph } from './onnx-graph.js';

/** Names of the Transformer graph's tensors: the observations, the parameters (variables order), the outputs. */
export const TRANSFORMER_GRAPH_NAMES = {
  x: 'x',
  parameter: (i: number) => `p${i}`,
  y: 'y',
};
const N = TRANSFORMER_GRAPH_NAMES;

/**
 * The ONNX graph of a Transformer's inference pass (`core/tensor/transformer.ts`), the same
 * algebra as the tensor backend's, op for op: `x` [rows, positions · vocabulary] in, `y` [rows,
 * outputDim] out, the parameters graph inputs (`p0`, `p1`, … in the order of
 * `transformerParameterDims`), so that an update of the variables needs no new session.
 *
 * Embedding: onehot · W_token + (1 − Σ onehot) · e_empty + W_position. Each block: LayerNorm
 * (LayerNormalization, ε as the backend's), one qkv Gemm, the heads split by a reshape to
 * [B, P, 3, H, d] and a transpose to [3, B, H, P, d], scores q·kᵀ scaled by 1/√d, Softmax over the
 * keys, the heads rejoined and projected; residual add; LayerNorm, feed-forward Gemm, activation,
 * Gemm; residual add. Then the final LayerNorm and the readout (flatten, mean or per position).
 */
export function transformerGraph(shape: TransformerShape): Uint8Array {
  const { layout, width: W, heads: H } = shape;
  const { positions: P, vocabulary: V } = layout;
  const d = W / H;
  const dims = transformerParameterDims(shape);
  const graph: OnnxGraph = {
    name: 'transformer_forward',
    node: [],
    initializer: [
      int64Tensor('shape_onehot', [-1, V]),
      int64Tensor('shape_tokens', [-1, P, W]),
      int64Tensor('shape_rows', [-1, W]),
      int64Tensor('shape_heads', [-1, P, 3, H, d]),
      int64Tensor('axis_last', [1]),
      floatTensor('one', [], Float32Array.of(1)),
      floatTensor('scale', [], Float32Array.of(1 / Math.sqrt(d))),
      ...[0, 1, 2].map((i) => int64Tensor(`index${i}`, [i], [])),
    ],
    input: [floatValue(N.x, ['rows', P * V]), ...dims.map((shape, i) => floatValue(N.parameter(i), shape))],
    output: [floatValue(N.y, ['rows', shape.outputDim])],
  };
  let count = 0;
  /** Adds a node of `opType` and returns its (first) output's name. */
  const op = (opType: string, input: string[], attribute: Array<Record<string, unknown>> = [], output = `t${count}`): string => {
    graph.node.push({ opType, name: `n${count++}`, input, output: [output], attribute });
    return output;
  };
  const p = N.parameter;
  const layerNorm = (h: string, k: number): string =>
    op('LayerNormalization', [h, p(k), p(k + 1)], [intAttribute('axis', -1), floatAttribute('epsilon', LAYER_NORM_EPSILON)]);
  const gemm = (h: string, k: number, output?: string): string => op('Gemm', [h, p(k), p(k + 1)], [], output);
  const meanOfTokens = (h: string): string => op('ReduceMean', [op('Reshape', [h, 'shape_tokens'])], [intsAttribute('axes', [1]), intAttribute('keepdims', 0)]);

  // embedding: the product with the one-hot rows is a gather of W_token
  const onehot = op('Reshape', [N.x, 'shape_onehot']);
  const vacant = op('Sub', ['one', op('ReduceSum', [onehot, 'axis_last'], [intAttribute('keepdims', 1)])]);
  const tokens = op('Add', [op('MatMul', [onehot, p(0)]), op('Mul', [vacant, p(1)])]);
  let h = op('Reshape', [op('Add', [op('Reshape', [tokens, 'shape_tokens']), p(2)]), 'shape_rows']);

  for (let l = 0; l < shape.layers; l++) {
    const k = 3 + 12 * l;
    const qkv = op('Reshape', [gemm(layerNorm(h, k), k + 2), 'shape_heads']);
    const split = op('Transpose', [qkv], [intsAttribute('perm', [2, 0, 3, 1, 4])]);
    const [q, key, v] = [0, 1, 2].map((i) => op('Gather', [split, `index${i}`], [intAttribute('axis', 0)])) as [string, string, string];
    const scores = op('Mul', [op('MatMul', [q, op('Transpose', [key], [intsAttribute('perm', [0, 1, 3, 2])])]), 'scale']);
    const mixed = op('MatMul', [op('Softmax', [scores], [intAttribute('axis', -1)]), v]);
    const joined = op('Reshape', [op('Transpose', [mixed], [intsAttribute('perm', [0, 2, 1, 3])]), 'shape_rows']);
    const attended = op('Add', [h, gemm(joined, k + 4)]);
    let hidden = gemm(layerNorm(attended, k + 6), k + 8);
    if (shape.activation !== 'linear') hidden = op(shape.activation === 'relu' ? 'Relu' : 'Tanh', [hidden]);
    h = op('Add', [attended, gemm(hidden, k + 10)]);
  }

  const f = 3 + 12 * shape.layers;
  const normed = layerNorm(h, f);
  const r = f + 2;
  if (shape.readout === 'position') {
    graph.initializer.push(int64Tensor('shape_per_token', [-1, P, V]), int64Tensor('shape_logits', [-1, V * P]));
    // [rows·P, V] → [rows, P, V] → [rows, V, P]: action a = symbol·P + position
    const perToken = op('Reshape', [gemm(normed, r), 'shape_per_token']);
    const logits = op('Reshape', [op('Transpose', [perToken], [intsAttribute('perm', [0, 2, 1])]), 'shape_logits'], [], dims.length > r + 2 ? undefined : N.y);
    if (dims.length > r + 2) op('Concat', [logits, gemm(meanOfTokens(normed), r + 2)], [intAttribute('axis', 1)], N.y);
  } else if (shape.readout === 'mean') {
    gemm(meanOfTokens(normed), r, N.y);
  } else {
    graph.initializer.push(int64Tensor('shape_flat', [-1, P * W]));
    gemm(op('Reshape', [normed, 'shape_flat']), r, N.y);
  }
  return encodeGraph(graph);
}
