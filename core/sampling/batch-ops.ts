import { Trajectories } from './trajectories.js';

/**
 * Operations that build one trajectory batch from others (replay mixes sampled and stored
 * trajectories, terminal-state replay turns backward walks into forward trajectories). They copy;
 * inputs are never modified.
 */

/** Trajectories `indices` of `batch`, in that order (an index may repeat). */
export function selectTrajectories(batch: Trajectories, indices: ArrayLike<number>): Trajectories {
  const { nTraj, maxSteps: T, stateDim: d } = batch;
  const n = indices.length;
  const states = new Int32Array((T + 1) * n * d);
  const actions = new Int32Array(T * n);
  const lengths = new Int32Array(n);
  const logRewards = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= nTraj) throw new Error(`selectTrajectories: index ${i} out of range [0, ${nTraj})`);
    for (let t = 0; t <= T; t++) states.set(batch.state(t, i), (t * n + k) * d);
    for (let t = 0; t < T; t++) actions[t * n + k] = batch.action(t, i);
    lengths[k] = batch.lengths[i]!;
    logRewards[k] = batch.logRewards[i]!;
  }
  return new Trajectories(batch.direction, n, T, d, states, actions, lengths, logRewards);
}

/**
 * The trajectories of `a` followed by those of `b`, padded to the longer `maxSteps`. Both must
 * have the same direction and state size. Padding follows the direction's convention: −1 states
 * after a forward trajectory's exit, and a backward trajectory's last state (s0) repeated.
 */
export function concatTrajectories(a: Trajectories, b: Trajectories): Trajectories {
  if (a.direction !== b.direction) throw new Error(`concatTrajectories: cannot join ${a.direction} and ${b.direction} trajectories`);
  if (a.stateDim !== b.stateDim) throw new Error(`concatTrajectories: state sizes differ (${a.stateDim} and ${b.stateDim})`);
  const d = a.stateDim;
  const T = Math.max(a.maxSteps, b.maxSteps);
  const n = a.nTraj + b.nTraj;
  const states = new Int32Array((T + 1) * n * d);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  const logRewards = new Float64Array(n);
  const copy = (src: Trajectories, offset: number): void => {
    for (let i = 0; i < src.nTraj; i++) {
      const row = offset + i;
      for (let t = 0; t <= T; t++) {
        // beyond the source's rows, repeat its last (padding) row: −1 forward, s0 backward
        states.set(src.state(Math.min(t, src.maxSteps), i), (t * n + row) * d);
      }
      for (let t = 0; t < src.maxSteps; t++) actions[t * n + row] = src.action(t, i);
      lengths[row] = src.lengths[i]!;
      logRewards[row] = src.logRewards[i]!;
    }
  };
  copy(a, 0);
  copy(b, a.nTraj);
  return new Trajectories(a.direction, n, T, d, states, actions, lengths, logRewards);
}

/**
 * Forward form of a backward batch: trajectory i walked from s0 up to its terminal state x and
 * then out by `exitAction`. A backward action undoes the forward action with the same index, so
 * actions keep their indices and only the order reverses. `maxSteps` grows by one (the exit);
 * past the exit, states are −1 and actions −1, as in sampled forward batches.
 */
export function reverseBackward(batch: Trajectories, exitAction: number): Trajectories {
  if (batch.direction !== 'backward') throw new Error('reverseBackward: expected backward trajectories');
  const { nTraj: n, stateDim: d } = batch;
  const T = batch.maxSteps + 1;
  const states = new Int32Array((T + 1) * n * d).fill(-1);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const len = batch.lengths[i]!;
    // backward: states[0] = x … states[len] = s0, actions[t] goes from states[t] to states[t+1]
    for (let t = 0; t <= len; t++) states.set(batch.state(len - t, i), (t * n + i) * d);
    for (let t = 0; t < len; t++) actions[t * n + i] = batch.action(len - 1 - t, i);
    actions[len * n + i] = exitAction;
    lengths[i] = len + 1;
  }
  return new Trajectories('forward', n, T, d, states, actions, lengths, batch.logRewards.slice());
}
