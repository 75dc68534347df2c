import * as tf from '@tensorflow/tfjs';
import type { Environment } from '../env/environment.js';
import type { Estimator } from '../estimator.js';
import { takenLogProbs } from './categorical.js';

/**
 * Differentiable log P_F(a_m | s_m) for M (state, action) rows with one network call on the
 * gathered matrix; always recomputed from the current parameters, so off-policy batches are
 * handled correctly.
 */
export function forwardLogProbs(env: Environment, estimator: Estimator, states: Int32Array, actions: Int32Array): tf.Tensor1D {
  const rows = actions.length;
  return tf.tidy(() => {
    const logits = estimator.apply(tf.tensor2d(env.encode(states), [rows, env.obsDim]));
    return takenLogProbs(logits, env.forwardMask(states), actions);
  });
}
