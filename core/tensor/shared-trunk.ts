import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Variable } from '#tensor-types';
import type { Estimator } from './estimator.js';
import type { Dense } from './dense.js';

/** The part of a network another estimator can share: its layers below the output layer. */
export interface SharedTrunk {
  readonly inputDim: number;
  /** True when the trunk takes few-hot columns ({@link Estimator.fewHotInput}). */
  readonly fewHotInput?: boolean;
  /** Differentiable trunk output (the head's input needs a gradient: the trunk trains through it). */
  trunkApply(x: Tensor2D): Tensor2D;
  /** Inference trunk output. */
  trunkPredict(x: Tensor2D): Tensor2D;
  /** The trunk's variables, read at each call (they may be replaced by a checkpoint load). */
  trunkVariables(): readonly Variable[];
}

/**
 * An estimator made of a shared trunk and a head of its own (e.g. a backward policy sharing P_F's
 * trunk). Its variables include the trunk's; disposing it frees only its head.
 */
export function sharedTrunkEstimator(trunk: SharedTrunk, head: Dense, outputDim: number): Estimator {
  return {
    inputDim: trunk.inputDim,
    fewHotInput: trunk.fewHotInput,
    outputDim,
    apply: (x) => head.apply(trunk.trunkApply(x)),
    predict: (x) => tf.tidy(() => head.predict(trunk.trunkPredict(x))),
    get variables() {
      return [...trunk.trunkVariables(), ...head.variables];
    },
    dispose: () => head.dispose(),
  };
}
