import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '#tensor-types';
import { tensorOfReusedValues, withFloatValues } from './read.js';

/** Total number of scalars in `variables`. */
export function parameterCount(variables: readonly Variable[]): number {
  return variables.reduce((n, v) => n + v.size, 0);
}

/**
 * The variables' values concatenated (each tensor row-major, in the given order), as float64:
 * written into `into` when given (it must hold exactly that many values), else into a new array.
 */
export function flattenValues(variables: readonly Variable[], into?: Float64Array): Float64Array {
  const n = parameterCount(variables);
  if (into && into.length !== n) throw new Error(`flattenValues: ${into.length} places for ${n} values`);
  const out = into ?? new Float64Array(n);
  let off = 0;
  for (const v of variables) {
    withFloatValues(v, (values) => out.set(values, off));
    off += v.size;
  }
  return out;
}

/** Flattens a gradient map (by variable name) in `variables` order; missing gradients are 0. */
export function flattenGradients(variables: readonly Variable[], grads: NamedTensorMap): Float64Array {
  const out = new Float64Array(parameterCount(variables));
  let off = 0;
  for (const v of variables) {
    const g = grads[v.name];
    if (g) withFloatValues(g, (values) => out.set(values, off));
    off += v.size;
  }
  return out;
}

/** The float32 buffer {@link unflatten} converts through, kept between calls (they are synchronous). */
let conversion = new Float32Array(0);

/**
 * Splits a flat vector into tensors shaped like `variables` (caller disposes). The float32
 * conversion goes through one buffer kept between calls: TRPO's line search and its Fisher products
 * split a parameter-sized vector several times per step.
 */
export function unflatten(variables: readonly Variable[], flat: ArrayLike<number>): Tensor[] {
  const n = parameterCount(variables);
  if (flat.length !== n) throw new Error(`unflatten: ${flat.length} values for ${n} parameters`);
  if (conversion.length < n) conversion = new Float32Array(n);
  if (flat instanceof Float32Array || flat instanceof Float64Array) conversion.set(flat);
  else for (let i = 0; i < n; i++) conversion[i] = flat[i]!;
  let off = 0;
  return variables.map((v) => {
    const part = tensorOfReusedValues(conversion.subarray(off, off + v.size), v.shape);
    off += v.size;
    return part;
  });
}

/** Assigns a flat vector to `variables`. */
export function assignFlat(variables: readonly Variable[], flat: ArrayLike<number>): void {
  const parts = unflatten(variables, flat);
  variables.forEach((v, k) => v.assign(parts[k]!));
  tf.dispose(parts);
}
