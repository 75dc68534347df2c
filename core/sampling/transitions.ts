import type { Trajectories } from './trajectories.js';

/**
 * The valid steps of a trajectory batch gathered into flat arrays, time-major
 * (all trajectories' step 0, then step 1, …), so that a loss evaluates each network once on
 * one matrix instead of once per time step.
 */
export interface Transitions {
  /** Number of valid steps M. */
  readonly count: number;
  /** Trajectory index of each step. */
  readonly traj: Int32Array;
  /** Time index of each step. */
  readonly time: Int32Array;
  /** State the step starts from, M x stateDim. */
  readonly states: Int32Array;
  /** Action taken (forward or backward index, as stored in the trajectories). */
  readonly actions: Int32Array;
  /** State the step leads to, M x stateDim (−1 padding after an exit). */
  readonly nextStates: Int32Array;
  /** 1 where the action is exit (forward trajectories only). */
  readonly isExit: Uint8Array;
}

/** Gathers the valid steps of `batch`; `exitAction` marks the exit (forward trajectories). */
export function gatherTransitions(batch: Trajectories, exitAction: number): Transitions {
  const { nTraj, stateDim, lengths } = batch;
  const count = batch.nSteps;
  const traj = new Int32Array(count);
  const time = new Int32Array(count);
  const states = new Int32Array(count * stateDim);
  const nextStates = new Int32Array(count * stateDim);
  const actions = new Int32Array(count);
  const isExit = new Uint8Array(count);
  let m = 0;
  for (let t = 0; t < batch.maxSteps; t++) {
    for (let i = 0; i < nTraj; i++) {
      if (t >= lengths[i]!) continue;
      traj[m] = i;
      time[m] = t;
      states.set(batch.state(t, i), m * stateDim);
      nextStates.set(batch.state(t + 1, i), m * stateDim);
      const a = batch.action(t, i);
      actions[m] = a;
      isExit[m] = batch.direction === 'forward' && a === exitAction ? 1 : 0;
      m++;
    }
  }
  return { count, traj, time, states, actions, nextStates, isExit };
}

/**
 * A 0/1 matrix S (N x M) with S[i][m] = 1 when step m belongs to trajectory i, so that
 * `matMul(S, values)` sums per-step values per trajectory in one kernel.
 */
export function segmentMatrix(traj: Int32Array, nTraj: number, rowFilter?: Uint8Array): Float32Array {
  const m = traj.length;
  const s = new Float32Array(nTraj * m);
  for (let k = 0; k < m; k++) if (!rowFilter || rowFilter[k]) s[traj[k]! * m + k] = 1;
  return s;
}

/** Copies rows `rows` of a flat `n x dim` array. */
export function selectRows<T extends Int32Array | Float32Array | Uint8Array>(src: T, dim: number, rows: ArrayLike<number>): T {
  const out = new (src.constructor as new (n: number) => T)(rows.length * dim);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    out.set(src.subarray(r * dim, r * dim + dim), k * dim);
  }
  return out;
}
