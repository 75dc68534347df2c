import * as tf from '@tensorflow/tfjs-core';
import type { Variable } from '#tensor-types';

/**
 * The name of the first variable holding a NaN or ±Inf, or undefined when all are finite.
 * One device-side sum per variable and a single read: a NaN or Inf anywhere makes the total
 * non-finite, so the common all-finite case costs one small reduction per variable.
 */
export function firstNonFiniteVariable(variables: readonly Variable[]): string | undefined {
  if (variables.length === 0) return undefined;
  const total = tf.tidy(() => tf.addN(variables.map((v) => tf.sum(v))));
  const ok = Number.isFinite(total.dataSync()[0]);
  total.dispose();
  if (ok) return undefined;
  // only on failure: find which (a finite total of huge values is not an error, so re-check each)
  for (const v of variables) {
    const values = v.dataSync();
    for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) return v.name;
  }
  return undefined;
}
