import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '#tensor-types';
import type { Environment } from '../env/environment.js';
import { hasFewHotEncoding } from '../env/few-hot.js';
import type { Estimator } from '../tensor/estimator.js';

/**
 * The input of `estimator` for a batch of states: the few-hot columns of their observations where
 * the estimator takes them and the environment offers them (`WithFewHotEncoding`: the first
 * layer gathers weight rows), else `encode`'s dense rows. Same outputs either way, to float32
 * rounding.
 */
export function networkInput(env: Environment, estimator: Estimator, states: Int32Array): Tensor2D {
  const rows = states.length / env.stateDim;
  if (estimator.fewHotInput && hasFewHotEncoding(env)) return tf.tensor2d(env.encodeColumns(states), [rows, env.obsColumnsPerRow], 'int32');
  return tf.tensor2d(env.encode(states), [rows, env.obsDim]);
}
