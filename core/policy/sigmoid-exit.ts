import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Variable } from '#tensor-types';
import type { Estimator } from '../tensor/estimator.js';

/**
 * A forward policy whose last action (exit) has a probability of its own: with network outputs
 * z (the last one z_exit), the outputs are the log-probabilities
 *
 *   log P(exit | s) = log σ(z_exit),   log P(a | s) = log σ(−z_exit) + log softmax(z_0..z_{A−2})_a,
 *
 * (the masked softmax the samplers apply afterwards renormalises over the allowed actions). Why:
 * with a single softmax over all actions, a loss on log P(exit | s) − log P(a | s) (modified
 * detailed balance) sees z_exit − z_a only, so the logits of actions absent from the training
 * batches are never pushed down, and P(exit | s) = 1 / (1 + Σ_a e^{z_a − z_exit}) is dragged to 0
 * by any of them that drifts up. Here the same difference is z_exit − z_a + logsumexp(z_0..z_{A−2}):
 * raising one action's probability lowers the others', and P(exit) is one number per state.
 * This is how DAG-GFlowNet (Deleu et al. 2022) parameterises its policy.
 */
export class SigmoidExitPolicy implements Estimator {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly fewHotInput?: boolean;

  constructor(private readonly inner: Estimator) {
    if (inner.outputDim < 2) throw new Error(`sigmoid exit: the policy needs at least one action besides exit, got ${inner.outputDim} outputs`);
    this.inputDim = inner.inputDim;
    this.outputDim = inner.outputDim;
    this.fewHotInput = inner.fewHotInput;
  }

  get variables(): readonly Variable[] {
    return this.inner.variables;
  }

  apply(x: Tensor2D): Tensor2D {
    return tf.tidy(() => logProbabilities(this.inner.apply(x)));
  }

  predict(x: Tensor2D): Tensor2D {
    return tf.tidy(() => logProbabilities(this.inner.predict(x)));
  }

  dispose(): void {
    this.inner.dispose();
  }
}

/** [log σ(−z_e) + log softmax(z_actions), log σ(z_e)] of raw outputs z (rows x A). */
export function logProbabilities(z: Tensor2D): Tensor2D {
  const a = z.shape[1] - 1;
  const actions = tf.slice(z, [0, 0], [-1, a]);
  const exit = tf.slice(z, [0, a], [-1, 1]);
  // log σ(x) = −softplus(−x) (tf.logSigmoid's gradient fails on this backend set-up)
  const moves = tf.sub(tf.logSoftmax(actions), tf.softplus(exit));
  return tf.concat([moves, tf.neg(tf.softplus(tf.neg(exit)))], 1) as Tensor2D;
}
