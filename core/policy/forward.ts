import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D } from '#tensor-types';
import type { Environment } from '../env/environment.js';
import type { Estimator } from '../tensor/estimator.js';
import { takenLogProbs } from './categorical.js';
import { distinctOutputs } from './unique-states.js';

/**
 * Differentiable log P_F(a_m | s_m) for M (state, action) rows with one network call on the
 * distinct states of the gathered matrix; always recomputed from the current parameters, so off-policy batches are
 * handled correctly.
 */
export function forwardLogProbs(env: Environment, estimator: Estimator, states: Int32Array, actions: Int32Array): Tensor1D {
  return tf.tidy(() => {
    const distinct = distinctOutputs(env, estimator, states);
    return takenLogProbs(distinct.outputs, env.forwardMask(distinct.states), actions, distinct.rows);
  });
}
