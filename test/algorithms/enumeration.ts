/**
 * Test helpers for exact computations on tiny HyperGrids: every complete forward trajectory, every
 * backward path from a terminal state, packed into padded {@link Trajectories} batches, and a few
 * vector comparisons.
 */
import * as tf from '@tensorflow/tfjs';
import { Trajectories } from '../../core/sampling/trajectories.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import { flattenGradients } from '../../core/tensor/flat-params.js';
import type { Environment } from '../../core/env/environment.js';
import type { HyperGrid } from '../../envs/hypergrid.js';

/** Every forward action sequence from s0 that ends with exit (depth-first order). */
export function allForwardActionLists(env: Environment): number[][] {
  const exit = env.nActions - 1;
  const out: number[][] = [];
  const visit = (state: Int32Array, prefix: number[]): void => {
    const mask = env.forwardMask(state);
    for (let a = 0; a < env.nActions; a++) {
      if (!mask[a]) continue;
      if (a === exit) out.push([...prefix, a]);
      else visit(env.step(state, Int32Array.from([a])), [...prefix, a]);
    }
  };
  visit(env.s0.slice(), []);
  return out;
}

/** A padded, time-major forward batch holding the given action sequences (each ends with exit). */
export function forwardBatch(env: Environment, lists: number[][]): Trajectories {
  const n = lists.length;
  const T = env.maxTrajectoryLength;
  const d = env.stateDim;
  const exit = env.nActions - 1;
  const states = new Int32Array((T + 1) * n * d).fill(-1);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  const terminals = new Int32Array(n * d);
  lists.forEach((acts, i) => {
    let s: Int32Array = env.s0.slice();
    acts.forEach((a, t) => {
      states.set(s, (t * n + i) * d);
      actions[t * n + i] = a;
      if (a !== exit) s = env.step(s, Int32Array.from([a]));
    });
    lengths[i] = acts.length;
    terminals.set(s, i * d);
  });
  return new Trajectories('forward', n, T, d, states, actions, lengths, env.logReward(terminals));
}

/** Every backward action sequence from `x` down to s0 (one empty sequence when x = s0). */
export function allBackwardActionLists(env: HyperGrid, x: Int32Array): number[][] {
  const out: number[][] = [];
  const visit = (state: Int32Array, prefix: number[]): void => {
    if (env.isInitial(state)[0]) {
      out.push(prefix);
      return;
    }
    const mask = env.backwardMask(state);
    for (let a = 0; a < env.nActions - 1; a++) if (mask[a]) visit(env.backwardStep(state, Int32Array.from([a])), [...prefix, a]);
  };
  visit(x.slice(), []);
  return out;
}

/** A padded backward batch: path i starts at terminals[i] and takes the backward actions lists[i]. */
export function backwardBatch(env: HyperGrid, terminals: Int32Array[], lists: number[][]): Trajectories {
  const n = lists.length;
  const T = env.maxTrajectoryLength - 1;
  const d = env.stateDim;
  const states = new Int32Array((T + 1) * n * d);
  for (let r = 0; r < (T + 1) * n; r++) states.set(env.s0, r * d);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  const flatTerminals = new Int32Array(n * d);
  lists.forEach((acts, i) => {
    let s: Int32Array = terminals[i]!.slice();
    flatTerminals.set(s, i * d);
    states.set(s, i * d);
    acts.forEach((a, t) => {
      actions[t * n + i] = a;
      s = env.backwardStep(s, Int32Array.from([a]));
      states.set(s, ((t + 1) * n + i) * d);
    });
    lengths[i] = acts.length;
  });
  return new Trajectories('backward', n, T, d, states, actions, lengths, env.logReward(flatTerminals));
}

/** Masked softmax of logits (float64), one row. */
export function maskedSoftmax(logits: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const n = mask.length;
  const p = new Float64Array(n);
  let max = -Infinity;
  for (let a = 0; a < n; a++) if (mask[a]) max = Math.max(max, logits[a]!);
  let z = 0;
  for (let a = 0; a < n; a++) {
    p[a] = mask[a] ? Math.exp(logits[a]! - max) : 0;
    z += p[a]!;
  }
  for (let a = 0; a < n; a++) p[a]! /= z;
  return p;
}

/** P_F(·|s) of every state of the grid in float64 (index = env.stateIndex), from one network call. */
export function forwardPolicyTable(env: HyperGrid, mlp: Mlp): Float64Array[] {
  const all = env.allStates();
  const logits = tf.tidy(() => mlp.predict(tf.tensor2d(env.encode(all), [env.nStates, env.obsDim])).dataSync());
  const mask = env.forwardMask(all);
  const nA = env.nActions;
  return Array.from({ length: env.nStates }, (_, s) => maskedSoftmax(logits.subarray(s * nA, s * nA + nA), mask.subarray(s * nA, s * nA + nA)));
}

/** log P_B(s | s') of the uniform backward policy: −log(number of parents of s'). */
export function uniformLogPB(env: HyperGrid, sNext: Int32Array): number {
  const mask = env.backwardMask(sNext);
  let n = 0;
  for (const m of mask) n += m;
  return -Math.log(n);
}

/**
 * KL(P_F(τ) ‖ P_B(τ|x) R(x) / Z*) over all complete trajectories, in float64, with uniform P_B:
 * Σ_τ P_F(τ) (log P_F(τ) − log P_B(τ|x) − log R(x) + log Z*).
 */
export function exactTrajectoryKl(env: HyperGrid, mlp: Mlp): { kl: number; totalProbability: number; nTrajectories: number } {
  const table = forwardPolicyTable(env, mlp);
  const exit = env.nActions - 1;
  const logZStar = env.logPartition();
  let kl = 0;
  let total = 0;
  const lists = allForwardActionLists(env);
  for (const acts of lists) {
    let s: Int32Array = env.s0.slice();
    let logPF = 0;
    let logPB = 0;
    for (const a of acts) {
      logPF += Math.log(table[env.stateIndex(s)[0]!]![a]!);
      if (a !== exit) {
        s = env.step(s, Int32Array.from([a]));
        logPB += uniformLogPB(env, s);
      }
    }
    const p = Math.exp(logPF);
    total += p;
    kl += p * (logPF - logPB - env.logReward(s)[0]! + logZStar);
  }
  return { kl, totalProbability: total, nTrajectories: lists.length };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dot(a, b) / (norm(a) * norm(b));
}

/** ‖a − b‖ / ‖b‖. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return Math.sqrt(s) / norm(b);
}

/** ∇ over `vars` of a scalar expression, flattened in `vars` order. */
export function gradient(f: () => tf.Scalar, vars: readonly tf.Variable[]): Float64Array {
  const { value, grads } = tf.variableGrads(f, [...vars]);
  const flat = flattenGradients(vars, grads);
  tf.dispose([value, ...Object.values(grads)]);
  return flat;
}
