import * as tf from '@tensorflow/tfjs-core';

/** Total number of scalars in `variables`. */
export function parameterCount(variables: readonly tf.Variable[]): number {
  return variables.reduce((n, v) => n + v.size, 0);
}

/** The variables' values concatenated (each tensor row-major, in the given order), as float64. */
export function flattenValues(variables: readonly tf.Variable[]): Float64Array {
  const out = new Float64Array(parameterCount(variables));
  let off = 0;
  for (const v of variables) {
    out.set(v.dataSync(), off);
    off += v.size;
  }
  return out;
}

/** Flattens a gradient map (by variable name) in `variables` order; missing gradients are 0. */
export function flattenGradients(variables: readonly tf.Variable[], grads: tf.NamedTensorMap): Float64Array {
  const out = new Float64Array(parameterCount(variables));
  let off = 0;
  for (const v of variables) {
    const g = grads[v.name];
    if (g) out.set(g.dataSync(), off);
    off += v.size;
  }
  return out;
}

/** Splits a flat vector into tensors shaped like `variables` (caller disposes). */
export function unflatten(variables: readonly tf.Variable[], flat: ArrayLike<number>): tf.Tensor[] {
  const f32 = flat instanceof Float32Array ? flat : Float32Array.from(flat);
  let off = 0;
  return variables.map((v) => {
    const part = f32.slice(off, off + v.size);
    off += v.size;
    return tf.tensor(part, v.shape);
  });
}

/** Assigns a flat vector to `variables`. */
export function assignFlat(variables: readonly tf.Variable[], flat: ArrayLike<number>): void {
  const parts = unflatten(variables, flat);
  variables.forEach((v, k) => v.assign(parts[k]!));
  tf.dispose(parts);
}
