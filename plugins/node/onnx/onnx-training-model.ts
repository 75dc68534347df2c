import type { DenseLayerValues } from '../../../core/tensor/dense-chain.js';
import { encodeGraph, floatTensor, floatValue, int64Tensor, intAttribute } from './onnx-model.js';

/** Graph input names: the rows, each layer's weight and bias, the kept outputs, the output seed. */
export const TRAINING_NAMES = {
  x: 'x',
  weight: (l: number) => `w${l}`,
  bias: (l: number) => `b${l}`,
  /** Layer l's output after its activation (the last layer's is the network's output). */
  output: (l: number) => `h${l}`,
  dy: 'dy',
  weightGradient: (l: number) => `dw${l}`,
  biasGradient: (l: number) => `db${l}`,
};
const N = TRAINING_NAMES;

/**
 * The forward pass with the parameters as graph inputs (they change at every update, so they
 * cannot be initializers): per layer h_l = act(Gemm(h_{l-1}, W_l, b_l)), every h_l an output.
 * Gemm and the activations compute what the tensor backend's fused kernel does, to float32 rounding.
 */
export function forwardModel(layers: readonly DenseLayerValues[]): Uint8Array {
  const node: Array<Record<string, unknown>> = [];
  const input = [floatValue(N.x, ['rows', layers[0]!.inDim])];
  const output: Array<Record<string, unknown>> = [];
  let current = N.x;
  layers.forEach((layer, l) => {
    input.push(floatValue(N.weight(l), [layer.inDim, layer.outDim]), floatValue(N.bias(l), [layer.outDim]));
    const affine = layer.activation === 'linear' ? N.output(l) : `z${l}`;
    node.push({ opType: 'Gemm', name: `gemm${l}`, input: [current, N.weight(l), N.bias(l)], output: [affine] });
    if (layer.activation !== 'linear') node.push({ opType: layer.activation === 'relu' ? 'Relu' : 'Tanh', name: `act${l}`, input: [affine], output: [N.output(l)] });
    output.push(floatValue(N.output(l), ['rows', layer.outDim]));
    current = N.output(l);
  });
  return encodeGraph({ name: 'dense_forward', node, initializer: [], input, output });
}

/**
 * The backward pass of Σ y ⊙ dy w.r.t. every weight and bias, from the forward pass's kept outputs
 * (the same algebra as the tensor backend's dense gradient): dz_l = dh_l ⊙ act'(h_l) with
 * relu' = [h > 0] (Sign of a non-negative h) and tanh' = 1 − h²; dW_l = h_{l−1}ᵀ dz_l,
 * db_l = Σ_rows dz_l, dh_{l−1} = dz_l W_lᵀ. No gradient w.r.t. x (observations are data).
 */
export function backwardModel(layers: readonly DenseLayerValues[]): Uint8Array {
  const L = layers.length;
  const node: Array<Record<string, unknown>> = [];
  const initializer = [int64Tensor('rows_axis', [0])];
  // the constant of tanh' = 1 − h², only where used (the runtime warns of unused initializers)
  if (layers.some((l) => l.activation === 'tanh')) initializer.push(floatTensor('one', [], Float32Array.of(1)));
  const input = [floatValue(N.x, ['rows', layers[0]!.inDim])];
  layers.forEach((layer, l) => {
    input.push(floatValue(N.output(l), ['rows', layer.outDim]));
    if (l > 0) input.push(floatValue(N.weight(l), [layer.inDim, layer.outDim]));
  });
  input.push(floatValue(N.dy, ['rows', layers[L - 1]!.outDim]));
  const output: Array<Record<string, unknown>> = [];
  let dh = N.dy;
  for (let l = L - 1; l >= 0; l--) {
    const layer = layers[l]!;
    const dz = activationGradient(node, layer, l, dh);
    const below = l === 0 ? N.x : N.output(l - 1);
    node.push({ opType: 'Gemm', name: `dw${l}`, input: [below, dz], output: [N.weightGradient(l)], attribute: [intAttribute('transA', 1)] });
    node.push({ opType: 'ReduceSum', name: `db${l}`, input: [dz, 'rows_axis'], output: [N.biasGradient(l)], attribute: [intAttribute('keepdims', 0)] });
    output.push(floatValue(N.weightGradient(l), [layer.inDim, layer.outDim]), floatValue(N.biasGradient(l), [layer.outDim]));
    if (l > 0) {
      dh = `dh${l - 1}`;
      node.push({ opType: 'Gemm', name: `dx${l}`, input: [dz, N.weight(l)], output: [dh], attribute: [intAttribute('transB', 1)] });
    }
  }
  return encodeGraph({ name: 'dense_backward', node, initializer, input, output });
}

/** Adds the nodes of dz_l = dh ⊙ act'(h_l) and returns dz_l's name. */
function activationGradient(node: Array<Record<string, unknown>>, layer: DenseLayerValues, l: number, dh: string): string {
  const h = N.output(l);
  switch (layer.activation) {
    case 'linear':
      return dh;
    case 'relu':
      node.push({ opType: 'Sign', name: `mask${l}`, input: [h], output: [`mask${l}`] });
      node.push({ opType: 'Mul', name: `dz${l}`, input: [dh, `mask${l}`], output: [`dz${l}`] });
      return `dz${l}`;
    case 'tanh':
      node.push({ opType: 'Mul', name: `sq${l}`, input: [h, h], output: [`sq${l}`] });
      node.push({ opType: 'Sub', name: `slope${l}`, input: ['one', `sq${l}`], output: [`slope${l}`] });
      node.push({ opType: 'Mul', name: `dz${l}`, input: [dh, `slope${l}`], output: [`dz${l}`] });
      return `dz${l}`;
  }
}
