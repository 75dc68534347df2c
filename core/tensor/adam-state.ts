import * as tf from '@tensorflow/tfjs-core';
import type { StateRecord } from '../checkpoint/checkpointable.js';
import { loadVariables, type SavedTensor, saveTensors } from '../checkpoint/encoding.js';

/**
 * The fields of tfjs's Adam that hold its state. They are read and written directly because the
 * public `setWeights` recomputes β^t with `pow` while `applyGradients` accumulates it by repeated
 * multiplication: the two differ in the last float32 bit, and a resumed run would drift from an
 * uninterrupted one. Checked at use, so that a tfjs release that renames them fails loudly.
 */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable }>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable }>;
  iterations_?: number;
}

function internals(opt: tf.Optimizer): AdamInternals {
  const a = opt as unknown as Partial<AdamInternals>;
  if (!(a.accBeta1 instanceof tf.Variable) || !(a.accBeta2 instanceof tf.Variable) || !Array.isArray(a.accumulatedFirstMoment) || !Array.isArray(a.accumulatedSecondMoment)) {
    throw new Error('checkpoint: this tfjs Adam optimizer does not have the expected internal fields (accBeta1/2, accumulatedFirst/SecondMoment); checkpoints need updating for this tfjs version');
  }
  return a as AdamInternals;
}

/** The exact state of one tfjs Adam optimizer: step count, β^t accumulators, both moments by position. */
export function saveAdamState(opt: tf.Optimizer): StateRecord {
  const a = internals(opt);
  return {
    iterations: a.iterations_ ?? 0,
    accBetas: saveTensors([
      { name: 'accBeta1', tensor: a.accBeta1 },
      { name: 'accBeta2', tensor: a.accBeta2 },
    ]),
    firstMoments: saveTensors(a.accumulatedFirstMoment.map((m) => ({ name: m.originalName, tensor: m.variable }))),
    secondMoments: saveTensors(a.accumulatedSecondMoment.map((m) => ({ name: m.originalName, tensor: m.variable }))),
  };
}

/**
 * Restores {@link saveAdamState}'s output. Moments are positional in tfjs's Adam (the i-th
 * gradient of each step uses the i-th slot), so they are restored by position; missing slots are
 * created, as the first `applyGradients` would.
 */
export function loadAdamState(opt: tf.Optimizer, state: StateRecord, owner: string): void {
  const a = internals(opt);
  const first = state.firstMoments as SavedTensor[];
  const second = state.secondMoments as SavedTensor[];
  if (!Array.isArray(first) || !Array.isArray(second) || first.length !== second.length) throw new Error(`checkpoint: ${owner} has malformed Adam moments`);
  loadVariables([a.accBeta1, a.accBeta2], state.accBetas as SavedTensor[], `${owner} (β accumulators)`);
  const ensure = (slots: AdamInternals['accumulatedFirstMoment'], saved: SavedTensor[], suffix: string): void => {
    tf.dispose(slots.slice(saved.length).map((m) => m.variable));
    slots.length = Math.min(slots.length, saved.length);
    saved.forEach((s, i) => {
      if (!slots[i] || slots[i]!.variable.shape.join() !== s.shape.join()) {
        slots[i]?.variable.dispose();
        slots[i] = { originalName: s.name, variable: tf.tidy(() => tf.zeros(s.shape).variable(false)) };
      }
    });
    loadVariables(slots.map((m) => m.variable), saved, `${owner} (${suffix})`);
  };
  ensure(a.accumulatedFirstMoment, first, 'first moments');
  ensure(a.accumulatedSecondMoment, second, 'second moments');
  a.iterations_ = Number(state.iterations);
}
