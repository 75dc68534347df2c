import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs/light.js';
import type { DenseChainValues } from '../../../core/tensor/dense-chain.js';

/**
 * The part of the ONNX model format (onnx.proto, field numbers as published by the ONNX project)
 * that a stack of dense layers needs: a graph of Gemm and activation nodes with the weights as
 * initializers.
 */
const ONNX_SUBSET = {
  nested: {
    ModelProto: { fields: { irVersion: { type: 'int64', id: 1 }, producerName: { type: 'string', id: 2 }, graph: { type: 'GraphProto', id: 7 }, opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 } } },
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
    AttributeProto: { fields: { name: { type: 'string', id: 1 }, i: { type: 'int64', id: 3 }, type: { type: 'int32', id: 20 } } },
    TensorProto: { fields: { dims: { rule: 'repeated', type: 'int64', id: 1 }, dataType: { type: 'int32', id: 2 }, name: { type: 'string', id: 8 }, rawData: { type: 'bytes', id: 9 } } },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TensorTypeProto', id: 1 } } },
    TensorTypeProto: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
  },
};

const FLOAT = 1;
const INT64 = 7;
/** AttributeProto.AttributeType INT. */
const ATTRIBUTE_INT = 2;
/** ONNX IR version 8 with opset 17: supported by every onnxruntime release since 1.14. */
const IR_VERSION = 8;
const OPSET = 17;

/** Names of the graph's input and output tensors. */
export const ONNX_INPUT = 'x';
export const ONNX_OUTPUT = 'y';

let modelType: Protobuf.Type | undefined;

/**
 * The dense chain as an ONNX model: per layer Gemm(x, W, b) (y = x·W + b, W [in][out]) followed by
 * Relu or Tanh; inputs `x` [rows, inDim] with a free row count, outputs `y` [rows, outDim].
 */
export function denseChainModel(chain: DenseChainValues): Uint8Array {
  if (chain.layers.length === 0) throw new Error('an ONNX model needs at least one dense layer');
  const nodes: Array<Record<string, unknown>> = [];
  const initializer: Array<Record<string, unknown>> = [];
  let current = ONNX_INPUT;
  chain.layers.forEach((layer, l) => {
    if (layer.weight.length !== layer.inDim * layer.outDim || layer.bias.length !== layer.outDim) {
      throw new Error(`dense layer ${l}: weight has ${layer.weight.length} values and bias ${layer.bias.length}, expected ${layer.inDim}x${layer.outDim} and ${layer.outDim}`);
    }
    initializer.push(floatTensor(`w${l}`, [layer.inDim, layer.outDim], layer.weight), floatTensor(`b${l}`, [layer.outDim], layer.bias));
    const last = l === chain.layers.length - 1;
    const affine = last && layer.activation === 'linear' ? ONNX_OUTPUT : `z${l}`;
    nodes.push({ opType: 'Gemm', name: `gemm${l}`, input: [current, `w${l}`, `b${l}`], output: [affine] });
    current = affine;
    if (layer.activation !== 'linear') {
      const activated = last ? ONNX_OUTPUT : `h${l}`;
      nodes.push({ opType: layer.activation === 'relu' ? 'Relu' : 'Tanh', name: `act${l}`, input: [current], output: [activated] });
      current = activated;
    }
  });
  const first = chain.layers[0]!;
  const lastLayer = chain.layers[chain.layers.length - 1]!;
  return encodeGraph({ name: 'dense_chain', node: nodes, initializer, input: [valueInfo(ONNX_INPUT, first.inDim)], output: [valueInfo(ONNX_OUTPUT, lastLayer.outDim)] });
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
  // the encoder is loaded on first use: every Node entry point registers the accelerator, and
  // commands that never evaluate (`gfn list`) should not pay for it
  const protobuf = createRequire(import.meta.url)('protobufjs/light.js') as typeof Protobuf;
  modelType ??= protobuf.Root.fromJSON(ONNX_SUBSET).lookupType('ModelProto');
  return modelType.encode(modelType.fromObject(model)).finish();
}

/** A float32 tensor of a graph (an initializer). */
export function floatTensor(name: string, dims: number[], values: Float32Array): Record<string, unknown> {
  // raw_data is little-endian float32, the layout of a Float32Array on every platform Node runs on
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** An int64 tensor of a graph (an initializer, e.g. the axes of a reduction). */
export function int64Tensor(name: string, values: readonly number[]): Record<string, unknown> {
  return { name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer) };
}

/** An integer attribute of a node. */
export function intAttribute(name: string, value: number): Record<string, unknown> {
  return { name, i: value, type: ATTRIBUTE_INT };
}

/** A float32 graph input or output of `dims` (a string is a free dimension). */
export function floatValue(name: string, dims: ReadonlyArray<number | string>): Record<string, unknown> {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}

function valueInfo(name: string, width: number): Record<string, unknown> {
  return floatValue(name, ['rows', width]);
}
