import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '#tensor-types';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import type { StateRecord } from './checkpointable.js';

/** Typed arrays a checkpoint stores. */
export type StoredArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint32Array;
const CONSTRUCTORS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array, uint32: Uint32Array } as const;
type DType = keyof typeof CONSTRUCTORS;

/** A typed array in JSON: its element type and its bytes in base64 (exact, unlike decimal text). */
export interface EncodedArray {
  dtype: DType;
  length: number;
  base64: string;
}

function dtypeOf(a: StoredArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  return 'uint8';
}

/** Encodes a typed array bit-exactly (NaN payloads and −0 included). */
export function encodeArray(a: StoredArray): EncodedArray {
  return { dtype: dtypeOf(a), length: a.length, base64: bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) };
}

/** Decodes {@link encodeArray}'s output; `expected` names the element type the caller needs. */
export function decodeArray<K extends DType>(e: EncodedArray, expected: K, what: string): InstanceType<(typeof CONSTRUCTORS)[K]> {
  if (e?.dtype !== expected || typeof e.base64 !== 'string')
    throw new Error(`checkpoint: ${what} must be an encoded ${expected} array, got ${JSON.stringify(e?.dtype)}`);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(e.base64);
  } catch {
    throw new Error(`checkpoint: ${what} is not valid base64 (the file is damaged)`);
  }
  const Ctor = CONSTRUCTORS[expected];
  if (bytes.byteLength !== e.length * Ctor.BYTES_PER_ELEMENT)
    throw new Error(`checkpoint: ${what} holds ${bytes.byteLength} bytes, expected ${e.length} x ${Ctor.BYTES_PER_ELEMENT}`);
  // copy into a fresh buffer of the element type (alignment)
  const out = new Ctor(e.length);
  new Uint8Array(out.buffer).set(bytes);
  return out as InstanceType<(typeof CONSTRUCTORS)[K]>;
}

/** A saved tensor: shape and float32 values. */
export interface SavedTensor {
  name: string;
  shape: number[];
  values: EncodedArray;
}

/** The values of `tensors` (read synchronously: checkpoints are written between iterations). */
export function saveTensors(tensors: ReadonlyArray<{ name: string; tensor: Tensor }>): SavedTensor[] {
  return tensors.map(({ name, tensor }) => ({ name, shape: [...tensor.shape], values: encodeArray(Float32Array.from(tensor.dataSync() as Float32Array)) }));
}

/**
 * Assigns saved values to `variables`, by position: variable names carry a per-process counter
 * (see `core/tensor/names.ts`), so a resumed run's names differ; the order and shapes, fixed by
 * the config, are what must match.
 */
export function loadVariables(variables: readonly Variable[], saved: readonly SavedTensor[], owner: string): void {
  if (!Array.isArray(saved) || saved.length !== variables.length) {
    throw new Error(
      `checkpoint: ${owner} has ${variables.length} variables, the checkpoint ${Array.isArray(saved) ? saved.length : 'none'} (was the config changed?)`,
    );
  }
  variables.forEach((v, i) => {
    const s: SavedTensor = saved[i]!;
    if (s.shape.length !== v.shape.length || s.shape.some((d: number, k: number) => d !== v.shape[k])) {
      throw new Error(`checkpoint: ${owner} variable ${i} ('${s.name}') has shape [${s.shape}] in the checkpoint, [${v.shape}] here (was the config changed?)`);
    }
    const t = tf.tensor(decodeArray(s.values, 'float32', `${owner} variable '${s.name}'`), v.shape, v.dtype);
    v.assign(t);
    t.dispose();
  });
}

/** The state of a set of variables (an estimator's, an objective's). */
export function variablesState(variables: readonly Variable[]): StateRecord {
  return { variables: saveTensors(variables.map((v) => ({ name: v.name, tensor: v }))) };
}
