import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '#tensor-types';
import type { Estimator } from './estimator.js';

/**
 * Runs `compute` in a tidy scope and returns a host copy of the tensor it produced, freeing
 * everything else. Why not `tf.tidy(() => t.dataSync())`: tidy inspects what its callback returns
 * key by key, and a returned typed array makes that a per-element walk (~0.7 µs per value,
 * 45 ms for a 256x256 result).
 */
export function readValues(compute: () => Tensor): Float32Array {
  const t = tf.tidy(compute);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/**
 * The host values of `estimator.predict` at the input `input()` makes (freed here): through
 * `predictValues` where the estimator has it (no output tensor to upload and read back), else a
 * {@link readValues} of `predict`. The same values either way.
 */
export function predictedValues(estimator: Estimator, input: () => Tensor2D): Float32Array {
  if (!estimator.predictValues) return readValues(() => estimator.predict(input()));
  const x = input();
  try {
    return estimator.predictValues(x);
  } finally {
    x.dispose();
  }
}

/** The part of the wasm backend that hands out views of its heap. */
interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): ArrayLike<number>;
}

/** The active backend when it keeps tensors in a WebAssembly heap it can show (wasm), else undefined. */
function heapBackend(): HeapBackend | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof backend.typedArrayFromHeap === 'function' ? (backend as HeapBackend) : undefined;
}

/**
 * Calls `use` with a float32 tensor's values, without a host copy where the backend allows: on
 * wasm a view of its heap, valid only while `use` runs and makes no tensor (the heap may grow and
 * move); elsewhere `dataSync()`'s array. Why: a training step reads every parameter's gradient,
 * and a fresh copy per read is megabytes of garbage per iteration that the collector must follow.
 */
export function withFloatValues<T>(t: Tensor, use: (values: Float32Array) => T): T {
  if (t.dtype !== 'float32') throw new Error(`withFloatValues: a float32 tensor is needed, got ${t.dtype}`);
  const heap = heapBackend();
  return use((heap ? heap.typedArrayFromHeap(t) : t.dataSync()) as Float32Array);
}

/**
 * A float32 tensor of `values` that the caller will overwrite later: the wasm backend copies the
 * values into its heap when it makes the tensor, so they are passed as they are; other backends
 * may keep the array as the tensor's storage, so they get a copy.
 */
export function tensorOfReusedValues(values: Float32Array, shape: readonly number[]): Tensor {
  return tf.tensor(heapBackend() ? values : values.slice(), [...shape], 'float32');
}

/** A tensor's values on the host as float32 (observations may come as integers). */
export function hostFloats(x: Tensor): Float32Array {
  const values = x.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
