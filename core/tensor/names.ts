import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Tensor, Variable } from '#tensor-types';

let counter = 0;

/**
 * A variable name unique within the process: tfjs optimisers key their state by variable name,
 * so two runs (or two networks) in one process must never share one.
 */
export function uniqueVariableName(base: string): string {
  counter += 1;
  return `${base}#${counter}`;
}

/**
 * A trainable variable initialised from `initial`, which it takes over: `tf.variable` adds its own
 * reference to the data, so the initial tensor must be disposed or it outlives the variable.
 */
export function ownedVariable<R extends Rank>(initial: Tensor<R>, base: string): Variable<R> {
  const v = tf.variable(initial, true, uniqueVariableName(base));
  initial.dispose();
  return v;
}
