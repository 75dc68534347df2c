import * as tf from '@tensorflow/tfjs';
import type { Enumerable, Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';

/** Masked softmax of one state's logits, in float64, straight from a network call on its encoding. */
export function policyAt(env: Environment, net: Estimator, state: Int32Array): Float64Array {
  const t = tf.tidy(() => net.predict(tf.tensor2d(env.encode(state), [1, env.obsDim])));
  const logits = t.dataSync();
  t.dispose();
  const mask = env.forwardMask(state);
  const p = new Float64Array(env.nActions);
  let max = -Infinity;
  for (let a = 0; a < env.nActions; a++) if (mask[a]) max = Math.max(max, logits[a]!);
  let z = 0;
  for (let a = 0; a < env.nActions; a++) {
    p[a] = mask[a] ? Math.exp(logits[a]! - max) : 0;
    z += p[a]!;
  }
  for (let a = 0; a < env.nActions; a++) p[a]! /= z;
  return p;
}

/**
 * The terminating distribution by brute force, independent of the dynamic programme under test:
 * enumerates every complete trajectory from s0 (every action sequence ending in exit) and adds the
 * probability of each to its terminal state. Also counts the trajectories.
 */
export function bruteForceTerminating(env: Environment & Enumerable, net: Estimator): { pT: Float64Array; nTrajectories: number } {
  const pT = new Float64Array(env.nStates);
  const exit = env.nActions - 1;
  let nTrajectories = 0;
  const visit = (state: Int32Array, prob: number): void => {
    const p = policyAt(env, net, state);
    const mask = env.forwardMask(state);
    for (let a = 0; a < env.nActions; a++) {
      if (!mask[a]) continue;
      if (a === exit) {
        pT[env.stateIndex(state)[0]!]! += prob * p[a]!;
        nTrajectories++;
      } else visit(env.step(state, Int32Array.from([a])), prob * p[a]!);
    }
  };
  visit(env.s0.slice(), 1);
  return { pT, nTrajectories };
}
