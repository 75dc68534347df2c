import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs/light.js';
import type { DenseLayerValues } from '../../../core/tensor/dense-chain.js';

/**
 * The ONNX graphs of a stack of dense layers, the one builder of the ONNX Runtime engine: the
 * forward pass (parameters embedded, for exact evaluation's snapshot; or graph inputs, for
 * training's passes on parameters that change at every update) and the backward pass to every
 * parameter gradient. Gemm and the activations compute what the tensor backend's fused kernel
 * does, to float32 rounding.
 *
 * The part of the ONNX model format (onnx.proto, field numbers as published by the ONNX project)
 * these graphs need.
 */
const ONNX_SUBSET = {
  nested: {
    ModelProto: {
      fields: {
        irVersion: { type: 'int64', id: 1 },
        producerName: { type: 'string', id: 2 },
        graph: { type: 'GraphProto', id: 7 },
        opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
      },
    },
    OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        name: { type: 'string', id: 2 },
        initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: 'repeated', type: 'string', id: 1 },
        output: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        opType: { type: 'string', id: 4 },
        attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: 'string', id: 1 },
        f: { type: 'float', id: 2 },
        i: { type: 'int64', id: 3 },
        s: { type: 'bytes', id: 4 },
        ints: { rule: 'repeated', type: 'int64', id: 8 },
        type: { type: 'int32', id: 20 },
      },
    },
    TensorProto: {
      fields: {
        dims: { rule: 'repeated', type: 'int64', id: 1 },
        dataType: { type: 'int32', id: 2 },
        name: { type: 'string', id: 8 },
        rawData: { type: 'bytes', id: 9 },
      },
    },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TensorTypeProto', id: 1 } } },
    TensorTypeProto: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
  },
};

const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
/** AttributeProto.AttributeType FLOAT, INT, STRING and INTS. */
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_STRING = 3;
const ATTRIBUTE_INTS = 7;
/** ONNX IR version 8 with opset 17: supported by every onnxruntime release since 1.14. */
const IR_VERSION = 8;
const OPSET = 17;

/** Graph tensor names: the rows, each layer's weight and bias and output, the output seed, the gradients. */
export const GRAPH_NAMES = {
  x: 'x',
  /** Few-hot input: each row's columns [rows, k] (int32, padding replaced by 0), and 1 or 0 per entry [rows, k, 1] (0 = padding). */
  columns: 'cols',
  keep: 'keep',
  weight: (l: number) => `w${l}`,
  bias: (l: number) => `b${l}`,
  /** Layer l's output after its activation (the last layer's is the network's output). */
  output: (l: number) => `h${l}`,
  dy: 'dy',
  weightGradient: (l: number) => `dw${l}`,
  biasGradient: (l: number) => `db${l}`,
};
const N = GRAPH_NAMES;

let modelType: Protobuf.Type | undefined;

/** Where the forward graph's parameters come from. */
export type ParameterSource =
  /** Initializers: a snapshot of the values, one session per snapshot (exact evaluation). */
  | 'embedded'
  /** Graph inputs fed at every run: parameters that change at every update cost no new session (training). */
  | 'inputs';

/**
 * How the graphs take their rows: `dense` x [rows, inDim]; `few-hot` the columns of each row's ones
 * ({@link GRAPH_NAMES}.columns and .keep), whose first layer is Σ_j keep_j · W[c_j] + b (Gather,
 * Mul, ReduceSum) and whose dW is the scatter-add of dz's rows into the rows of the columns
 * (ScatterND with reduction `add`) instead of two products with the dense rows.
 */
export type GraphInput = 'dense' | 'few-hot';

/**
 * The forward pass: per layer h_l = act(Gemm(h_{l-1}, W_l, b_l)) (y = x·W + b, W [in][out]), Relu
 * or Tanh or none; input `x` [rows, inDim] with a free row count. With `inputs` every h_l is an
 * output (the backward graph takes them); with `embedded` the network's output h_{L-1} only.
 */
export function forwardGraph(layers: readonly DenseLayerValues[], parameters: ParameterSource, rows: GraphInput = 'dense'): Uint8Array {
  if (layers.length === 0) throw new Error('an ONNX model needs at least one dense layer');
  const node: Array<Record<string, unknown>> = [];
  const initializer: Array<Record<string, unknown>> = [];
  const input = rows === 'dense' ? [floatValue(N.x, ['rows', layers[0]!.inDim])] : fewHotInputs();
  const output: Array<Record<string, unknown>> = [];
  let current = N.x;
  layers.forEach((layer, l) => {
    if (parameters === 'embedded') {
      if (layer.weight.length !== layer.inDim * layer.outDim || layer.bias.length !== layer.outDim) {
        throw new Error(
          `dense layer ${l}: weight has ${layer.weight.length} values and bias ${layer.bias.length}, expected ${layer.inDim}x${layer.outDim} and ${layer.outDim}`,
        );
      }
      initializer.push(floatTensor(N.weight(l), [layer.inDim, layer.outDim], layer.weight), floatTensor(N.bias(l), [layer.outDim], layer.bias));
    } else {
      input.push(floatValue(N.weight(l), [layer.inDim, layer.outDim]), floatValue(N.bias(l), [layer.outDim]));
    }
    const affine = layer.activation === 'linear' ? N.output(l) : `z${l}`;
    if (l === 0 && rows === 'few-hot') {
      initializer.push(int64Tensor('columns_axis', [1]));
      node.push(
        { opType: 'Gather', name: 'gather0', input: [N.weight(0), N.columns], output: ['picked0'] },
        { opType: 'Mul', name: 'kept0', input: ['picked0', N.keep], output: ['kept0'] },
        { opType: 'ReduceSum', name: 'sum0', input: ['kept0', 'columns_axis'], output: ['sum0'], attribute: [intAttribute('keepdims', 0)] },
        { opType: 'Add', name: 'affine0', input: ['sum0', N.bias(0)], output: [affine] },
      );
    } else node.push({ opType: 'Gemm', name: `gemm${l}`, input: [current, N.weight(l), N.bias(l)], output: [affine] });
    if (layer.activation !== 'linear')
      node.push({ opType: layer.activation === 'relu' ? 'Relu' : 'Tanh', name: `act${l}`, input: [affine], output: [N.output(l)] });
    if (parameters === 'inputs' || l === layers.length - 1) output.push(floatValue(N.output(l), ['rows', layer.outDim]));
    current = N.output(l);
  });
  return encodeGraph({ name: 'dense_forward', node, initializer, input, output });
}

/**
 * The backward pass of Σ y ⊙ dy w.r.t. every weight and bias, from the forward pass's kept outputs
 * (the same algebra as the tensor backend's dense gradient): dz_l = dh_l ⊙ act'(h_l) with
 * relu' = [h > 0] (Sign of a non-negative h) and tanh' = 1 − h²; dW_l = h_{l−1}ᵀ dz_l,
 * db_l = Σ_rows dz_l, dh_{l−1} = dz_l W_lᵀ. No gradient w.r.t. x (observations are data).
 */
export function backwardGraph(layers: readonly DenseLayerValues[], rows: GraphInput = 'dense'): Uint8Array {
  const L = layers.length;
  const node: Array<Record<string, unknown>> = [];
  const initializer = [int64Tensor('rows_axis', [0])];
  // the constant of tanh' = 1 − h², only where used (the runtime warns of unused initializers)
  if (layers.some((l) => l.activation === 'tanh')) initializer.push(floatTensor('one', [], Float32Array.of(1)));
  const input = rows === 'dense' ? [floatValue(N.x, ['rows', layers[0]!.inDim])] : fewHotInputs();
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
    if (l === 0 && rows === 'few-hot') scatterWeightGradient(node, initializer, layer, dz);
    else node.push({ opType: 'Gemm', name: `dw${l}`, input: [below, dz], output: [N.weightGradient(l)], attribute: [intAttribute('transA', 1)] });
    node.push({ opType: 'ReduceSum', name: `db${l}`, input: [dz, 'rows_axis'], output: [N.biasGradient(l)], attribute: [intAttribute('keepdims', 0)] });
    output.push(floatValue(N.weightGradient(l), [layer.inDim, layer.outDim]), floatValue(N.biasGradient(l), [layer.outDim]));
    if (l > 0) {
      dh = `dh${l - 1}`;
      node.push({ opType: 'Gemm', name: `dx${l}`, input: [dz, N.weight(l)], output: [dh], attribute: [intAttribute('transB', 1)] });
    }
  }
  return encodeGraph({ name: 'dense_backward', node, initializer, input, output });
}

/** The few-hot graphs' row inputs: the columns and their 1/0 weights. */
function fewHotInputs(): Array<Record<string, unknown>> {
  return [tensorValue(N.columns, INT32, ['rows', 'k']), floatValue(N.keep, ['rows', 'k', 1])];
}

/**
 * dW_0 of few-hot rows: zeros [in, out] with dz's row r, times keep, added into the row of each of
 * r's columns (ScatterND, reduction `add`: duplicates accumulate; padding adds 0 to row 0).
 */
function scatterWeightGradient(node: Array<Record<string, unknown>>, initializer: Array<Record<string, unknown>>, layer: DenseLayerValues, dz: string): void {
  initializer.push(
    int64Tensor('columns_axis', [1]),
    int64Tensor('updates_shape', [-1, layer.outDim]),
    int64Tensor('indices_shape', [-1, 1]),
    int64Tensor('weight_shape', [layer.inDim, layer.outDim]),
  );
  node.push(
    { opType: 'Unsqueeze', name: 'spread0', input: [dz, 'columns_axis'], output: ['spread0'] },
    { opType: 'Mul', name: 'kept_dz0', input: ['spread0', N.keep], output: ['kept_dz0'] },
    { opType: 'Reshape', name: 'updates0', input: ['kept_dz0', 'updates_shape'], output: ['updates0'] },
    { opType: 'Reshape', name: 'flat_cols0', input: [N.columns, 'indices_shape'], output: ['flat_cols0'] },
    { opType: 'Cast', name: 'indices0', input: ['flat_cols0'], output: ['indices0'], attribute: [intAttribute('to', INT64)] },
    // ConstantOfShape without a value: float32 zeros
    { opType: 'ConstantOfShape', name: 'zeros0', input: ['weight_shape'], output: ['zeros0'] },
    {
      opType: 'ScatterND',
      name: 'dw0',
      input: ['zeros0', 'indices0', 'updates0'],
      output: [N.weightGradient(0)],
      attribute: [stringAttribute('reduction', 'add')],
    },
  );
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

/** An ONNX graph's parts, as the objects {@link encodeGraph} takes (fields of onnx.proto). */
export interface OnnxGraph {
  name: string;
  node: Array<Record<string, unknown>>;
  initializer: Array<Record<string, unknown>>;
  input: Array<Record<string, unknown>>;
  output: Array<Record<string, unknown>>;
}

/** A model holding `graph`, encoded. */
export function encodeGraph(graph: OnnxGraph): Uint8Array {
  const model = { irVersion: IR_VERSION, producerName: 'gflownet-ts', opsetImport: [{ domain: '', version: OPSET }], graph };
  // the encoder is loaded on first use: commands that never run a network (`gfn list`) should not pay for it
  const protobuf = createRequire(import.meta.url)('protobufjs/light.js') as typeof Protobuf;
  modelType ??= protobuf.Root.fromJSON(ONNX_SUBSET).lookupType('ModelProto');
  return modelType.encode(modelType.fromObject(model)).finish();
}

/** A float32 tensor of a graph (an initializer). */
export function floatTensor(name: string, dims: number[], values: Float32Array): Record<string, unknown> {
  // raw_data is little-endian float32, the layout of a Float32Array on every platform Node runs on
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** An int64 tensor of a graph (an initializer, e.g. the axes of a reduction; `dims` [] for a scalar). */
export function int64Tensor(name: string, values: readonly number[], dims: readonly number[] = [values.length]): Record<string, unknown> {
  return { name, dims: [...dims], dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer) };
}

/** An integer attribute of a node. */
export function intAttribute(name: string, value: number): Record<string, unknown> {
  return { name, i: value, type: ATTRIBUTE_INT };
}

/** An integer-list attribute of a node (e.g. a transpose's permutation). */
export function intsAttribute(name: string, values: readonly number[]): Record<string, unknown> {
  return { name, ints: [...values], type: ATTRIBUTE_INTS };
}

/** A float attribute of a node (e.g. an epsilon). */
export function floatAttribute(name: string, value: number): Record<string, unknown> {
  return { name, f: value, type: ATTRIBUTE_FLOAT };
}

/** A string attribute of a node. */
function stringAttribute(name: string, value: string): Record<string, unknown> {
  return { name, s: new TextEncoder().encode(value), type: ATTRIBUTE_STRING };
}

/** A float32 graph input or output of `dims` (a string is a free dimension). */
export function floatValue(name: string, dims: ReadonlyArray<number | string>): Record<string, unknown> {
  return tensorValue(name, FLOAT, dims);
}

/** A graph input or output of element type `elemType` and `dims` (a string is a free dimension). */
function tensorValue(name: string, elemType: number, dims: ReadonlyArray<number | string>): Record<string, unknown> {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}
