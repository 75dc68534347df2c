import { type TransformerShape, transformerParameterDims } from '../../../core/tensor/transformer-shape.js';
import { encodeGraph, floatTensor, floatValue, int64Tensor, intAttribute, intsAttribute } from './onnx-graph.js';
import {
  type BlockTrace,
  forwardNodes,
  type GraphBuilder,
  type LayerNormTrace,
  TRANSFORMER_GRAPH_NAMES as N,
  transformerBuilder,
} from './onnx-transformer-graph.js';

/**
 * The ONNX graph of the gradients of Σ y ⊙ dy w.r.t. every parameter of a Transformer (outputs
 * `dp0`, `dp1`, … in the order of `transformerParameterDims`), from `x`, the parameters and `dy`
 * [rows, outputDim]. It recomputes the forward pass ({@link forwardNodes}) rather than taking
 * saved activations: a forward pass is a fraction of the backward pass's cost and the engine then
 * keeps nothing between the two calls. No gradient w.r.t. x (observations are data).
 *
 * The algebra, per op (dX the gradient of the loss w.r.t. X):
 * - Gemm y = x·W + b: dW = xᵀ·dy, db = Σ_rows dy, dx = dy·Wᵀ.
 * - LayerNorm y = x̂ ⊙ g + b, x̂ = (x − μ)·r, r = (σ² + ε)^−½ (biased σ²): dg = Σ_rows dy ⊙ x̂,
 *   db = Σ_rows dy, dx = r · (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)) with dx̂ = dy ⊙ g, means over the row.
 * - Softmax A = softmax(S): dS = A ⊙ (dA − Σ_keys dA ⊙ A); S = c · q·kᵀ: dq = c·dS·k, dk = c·dSᵀ·q;
 *   M = A·v: dA = dM·vᵀ, dv = Aᵀ·dM. The head split's reshape and transpose are undone in reverse.
 * - relu' = [h > 0] (Sign of the non-negative output), tanh' = 1 − h²; residuals add gradients.
 * - Embedding: dW_token = onehotᵀ·dh, de_empty = vacantᵀ·dh, dW_position = Σ_sequences dh.
 */
export function transformerGradientGraph(shape: TransformerShape): Uint8Array {
  const { layout, width: W, heads: H, outputDim } = shape;
  const { positions: P, vocabulary: V } = layout;
  const b = transformerBuilder(shape, 'transformer_backward');
  const t = forwardNodes(b, shape);
  const { op } = b;
  const p = N.parameter;
  const g = N.gradient;
  b.graph.input.push(floatValue(N.dy, ['rows', outputDim]));
  b.graph.initializer.push(int64Tensor('axis_first', [0]), int64Tensor('shape_joined', [-1, P, H, W / H]), int64Tensor('shape_qkv', [-1, 3 * W]));
  // the constants of the mean's gradient and the exit's slice, only where used (the runtime warns of unused initializers)
  if (shape.readout === 'mean' || (shape.readout === 'position' && outputDim === P * V + 1)) {
    b.graph.initializer.push(
      int64Tensor('axis_one', [1]),
      floatTensor('inverse_positions', [], Float32Array.of(1 / P)),
      floatTensor('ones_positions', [1, P, 1], new Float32Array(P).fill(1)),
    );
  }
  const sumRows = (x: string, output?: string): string => op('ReduceSum', [x, 'axis_first'], [intAttribute('keepdims', 0)], output);
  const transposed = (x: string): string => op('Transpose', [x], [intsAttribute('perm', [0, 1, 3, 2])]);
  /** Gradients of Gemm(input, p(k), p(k+1)) given its output's gradient; returns the input's. */
  const gemmBack = (input: string, dout: string, k: number): string => {
    op('Gemm', [input, dout], [intAttribute('transA', 1)], g(k));
    sumRows(dout, g(k + 1));
    return op('Gemm', [dout, p(k)], [intAttribute('transB', 1)]);
  };
  const rowMean = (x: string): string => op('ReduceMean', [x], [intsAttribute('axes', [-1]), intAttribute('keepdims', 1)]);
  const layerNormBack = (ln: LayerNormTrace, dout: string): string => {
    sumRows(op('Mul', [dout, ln.normalised]), g(ln.k));
    sumRows(dout, g(ln.k + 1));
    const dNormalised = op('Mul', [dout, p(ln.k)]);
    const centred = op('Sub', [dNormalised, rowMean(dNormalised)]);
    const projected = op('Sub', [centred, op('Mul', [ln.normalised, rowMean(op('Mul', [dNormalised, ln.normalised]))])]);
    return op('Mul', [projected, ln.inverseDeviation]);
  };
  /** The gradient of the tokens [rows·P, W] from that of their mean [rows, W]. */
  const meanBack = (dPooled: string): string =>
    op('Reshape', [op('Mul', [op('Unsqueeze', [op('Mul', [dPooled, 'inverse_positions']), 'axis_one']), 'ones_positions']), 'shape_rows']);

  let dNormed: string;
  if (shape.readout === 'position') {
    const exit = outputDim === P * V + 1;
    b.graph.initializer.push(int64Tensor('shape_by_symbol', [-1, V, P]));
    if (exit) b.graph.initializer.push(int64Tensor('logits_end', [V * P]), int64Tensor('exit_end', [V * P + 1]));
    const dLogits = exit ? op('Slice', [N.dy, 'axis_first', 'logits_end', 'axis_one']) : N.dy;
    const dPerToken = op('Reshape', [op('Transpose', [op('Reshape', [dLogits, 'shape_by_symbol'])], [intsAttribute('perm', [0, 2, 1])]), 'shape_onehot']);
    dNormed = gemmBack(t.finalNorm.output, dPerToken, t.readout);
    if (exit) {
      const dExit = op('Slice', [N.dy, 'logits_end', 'exit_end', 'axis_one']);
      dNormed = op('Add', [dNormed, meanBack(gemmBack(t.pooled!, dExit, t.readout + 2))]);
    }
  } else if (shape.readout === 'mean') {
    dNormed = meanBack(gemmBack(t.pooled!, N.dy, t.readout));
  } else {
    dNormed = op('Reshape', [gemmBack(t.flat!, N.dy, t.readout), 'shape_rows']);
  }
  let dh = layerNormBack(t.finalNorm, dNormed);
  for (const block of [...t.blocks].reverse()) dh = blockBack(b, shape, block, dh, { gemmBack, layerNormBack, transposed });

  op('Gemm', [t.onehot, dh], [intAttribute('transA', 1)], g(0));
  op('Gemm', [t.vacant, dh], [intAttribute('transA', 1)], g(1));
  sumRows(op('Reshape', [dh, 'shape_tokens']), g(2));
  b.graph.output.push(...transformerParameterDims(shape).map((dims, i) => floatValue(g(i), dims)));
  return encodeGraph(b.graph);
}

/** The backward pass's helpers a block needs. */
interface BackHelpers {
  gemmBack(input: string, dout: string, k: number): string;
  layerNormBack(ln: LayerNormTrace, dout: string): string;
  transposed(x: string): string;
}

/** The gradient of a block's input from that of its output, adding its parameters' gradients. */
function blockBack(b: GraphBuilder, shape: TransformerShape, block: BlockTrace, dOut: string, { gemmBack, layerNormBack, transposed }: BackHelpers): string {
  const { op } = b;
  const { k } = block;
  const dHidden = gemmBack(block.hidden, dOut, k + 10);
  const dPreActivation =
    shape.activation === 'relu'
      ? op('Mul', [dHidden, op('Sign', [block.hidden])])
      : shape.activation === 'tanh'
        ? op('Mul', [dHidden, op('Sub', ['one', op('Mul', [block.hidden, block.hidden])])])
        : dHidden;
  const dAttended = op('Add', [dOut, layerNormBack(block.feedForwardNorm, gemmBack(block.feedForwardNorm.output, dPreActivation, k + 8))]);
  const dJoined = gemmBack(block.joined, dAttended, k + 4);
  const dMixed = op('Transpose', [op('Reshape', [dJoined, 'shape_joined'])], [intsAttribute('perm', [0, 2, 1, 3])]);
  const dWeights = op('MatMul', [dMixed, transposed(block.v)]);
  const dV = op('MatMul', [transposed(block.weights), dMixed]);
  const dScores = op('Mul', [
    op('Mul', [block.weights, op('Sub', [dWeights, op('ReduceSum', [op('Mul', [dWeights, block.weights]), 'axis_last'], [intAttribute('keepdims', 1)])])]),
    'scale',
  ]);
  const dQ = op('MatMul', [dScores, block.key]);
  const dK = op('MatMul', [transposed(dScores), block.q]);
  const dSplit = op(
    'Concat',
    [dQ, dK, dV].map((d) => op('Unsqueeze', [d, 'axis_first'])),
    [intAttribute('axis', 0)],
  );
  // [3, B, H, P, d] back to [B, P, 3, H, d]: the inverse of the forward permutation [2, 0, 3, 1, 4]
  const dQkv = op('Reshape', [op('Transpose', [dSplit], [intsAttribute('perm', [1, 3, 0, 2, 4])]), 'shape_qkv']);
  return op('Add', [dAttended, layerNormBack(block.attentionNorm, gemmBack(block.attentionNorm.output, dQkv, k + 2))]);
}
