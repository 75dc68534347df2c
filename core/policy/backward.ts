import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Variable } from '#tensor-types';
import type { Environment } from '../env/environment.js';
import type { Estimator } from '../tensor/estimator.js';
import { takenLogProbs } from './categorical.js';
import { distinctOutputs } from './unique-states.js';
import { predictedValues } from '../tensor/read.js';
import { networkInput } from './network-input.js';

/**
 * A backward policy P_B(s | s'): a distribution over the backward actions allowed at s'.
 */
export interface BackwardPolicy {
  /** `uniform`, `learned`, … — for logs and errors. */
  readonly kind: string;
  /** Trainable variables (empty for a fixed policy). */
  readonly variables: readonly Variable[];
  /**
   * log P_B of the backward `actions` taken from `states` (M rows), differentiable in the
   * policy's variables.
   */
  logProbs(states: Int32Array, actions: Int32Array): Tensor1D;
  /** Logits over backward actions for sampling (rows x (nActions − 1)), host memory. */
  samplingLogits(states: Int32Array): Float32Array;
  /** Frees the policy's tensors (its owner, the objective, calls this). */
  dispose(): void;
}

/** P_B uniform over the allowed backward actions (the `-U` variants). */
export class UniformBackwardPolicy implements BackwardPolicy {
  readonly kind = 'uniform';
  readonly variables: readonly Variable[] = [];

  constructor(private readonly env: Environment) {}

  logProbs(states: Int32Array, _actions: Int32Array): Tensor1D {
    const nb = this.env.nActions - 1;
    const mask = this.env.backwardMask(states);
    const rows = mask.length / nb;
    const lp = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let n = 0;
      for (let a = 0; a < nb; a++) n += mask[r * nb + a]!;
      lp[r] = -Math.log(n);
    }
    return tf.tensor1d(lp);
  }

  samplingLogits(states: Int32Array): Float32Array {
    return new Float32Array((states.length / this.env.stateDim) * (this.env.nActions - 1));
  }

  dispose(): void {}
}

/** P_B given by an estimator's logits (the `-B` variants). */
export class LearnedBackwardPolicy implements BackwardPolicy {
  readonly kind = 'learned';

  constructor(
    private readonly env: Environment,
    readonly estimator: Estimator,
  ) {}

  get variables(): readonly Variable[] {
    return this.estimator.variables;
  }

  logProbs(states: Int32Array, actions: Int32Array): Tensor1D {
    return tf.tidy(() => {
      const distinct = distinctOutputs(this.env, this.estimator, states);
      return takenLogProbs(distinct.outputs, this.env.backwardMask(distinct.states), actions, distinct.rows);
    });
  }

  samplingLogits(states: Int32Array): Float32Array {
    return predictedValues(this.estimator, () => networkInput(this.env, this.estimator, states));
  }

  dispose(): void {
    this.estimator.dispose();
  }
}
