import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D } from '#tensor-types';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import { estimatorOutputs } from '../../core/policy/unique-states.js';
import type { Transitions } from '../../core/sampling/transitions.js';
import { selectRows } from '../../core/sampling/transitions.js';
import { networkInput } from '../../core/policy/network-input.js';

/** The per-step terms of the balance losses, one entry per gathered step (differentiable). */
export interface StepTerms {
  /** log P_F(a_t | s_t). */
  logPF: Tensor1D;
  /** log P_B(s_t | s_{t+1}); 0 at exit steps. */
  logPB: Tensor1D;
  /** log F(s_t) of each step's start state. */
  logF: Tensor1D;
}

/**
 * Evaluates P_F, P_B and the state flow once each on the batch's steps (one network call per
 * estimator on the distinct states). Call inside a gradient scope.
 */
export function stepTerms(env: Environment, forward: Estimator, backward: BackwardPolicy, flow: Estimator, tr: Transitions): StepTerms {
  const nonExit: number[] = [];
  for (let m = 0; m < tr.count; m++) if (!tr.isExit[m]) nonExit.push(m);
  const logPF = forwardLogProbs(env, forward, tr.states, tr.actions);
  const logF = tf.reshape(estimatorOutputs(env, flow, tr.states), [tr.count]) as Tensor1D;
  if (nonExit.length === 0) return { logPF, logPB: tf.zeros([tr.count]) as Tensor1D, logF };
  const rows = Int32Array.from(nonExit);
  const lpb = backward.logProbs(selectRows(tr.nextStates, env.stateDim, rows), selectRows(tr.actions, 1, rows));
  // place the non-exit values at their rows, 0 at the exits: a 0/1 M x M' matrix product
  const place = new Float32Array(tr.count * rows.length);
  rows.forEach((m, k) => (place[m * rows.length + k] = 1));
  const logPB = tf.reshape(tf.matMul(tf.tensor2d(place, [tr.count, rows.length]), tf.reshape(lpb, [rows.length, 1])), [tr.count]) as Tensor1D;
  return { logPF, logPB, logF };
}

/** log F(s0) from a state-flow estimator at an initial state `s0`: the log Z estimate of flow-based objectives. */
export function initialLogFlow(env: Environment, flow: Estimator, s0: Int32Array): number {
  return tf.tidy(() => flow.predict(networkInput(env, flow, s0)).dataSync()[0]!);
}
