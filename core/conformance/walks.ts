import type { Environment } from '../env/environment.js';
import type { Rng } from '../base/rng.js';
import { selectRows } from '../sampling/transitions.js';

/** What uniformly random forward walks from s0 saw. */
export interface WalkRecord {
  /** Distinct visited states (s0 first), flat `n x stateDim`. */
  states: Int32Array;
  /** Non-exit transitions taken: parents, actions, children (flat, one row each). */
  parents: Int32Array;
  actions: Int32Array;
  children: Int32Array;
  /** States where a walk took exit, flat. */
  terminals: Int32Array;
  /** Walks that had not exited after `maxTrajectoryLength` actions, with the state they were in. */
  overlong: string[];
  /** States where no forward action was allowed. */
  deadEnds: string[];
}

/** For each row of a `rows x stride` mask, a uniformly drawn allowed column among [0, width); −1 if none. */
export function randomAllowed(mask: Uint8Array, width: number, stride: number, rng: Rng): Int32Array {
  const rows = mask.length / stride;
  const out = new Int32Array(rows).fill(-1);
  for (let r = 0; r < rows; r++) {
    const allowed: number[] = [];
    for (let a = 0; a < width; a++) if (mask[r * stride + a]) allowed.push(a);
    if (allowed.length > 0) out[r] = allowed[rng.int(allowed.length)]!;
  }
  return out;
}

/** Row `i` of a flat batch, as text for messages. */
export function showRow(states: Int32Array, d: number, i: number): string {
  return `[${Array.from(states.subarray(i * d, i * d + d)).join(',')}]`;
}

/**
 * Runs `walks` forward walks in lock-step from s0. Even-numbered walks choose uniformly among the
 * allowed actions (exit included); odd-numbered ones exit only when nothing else is allowed, so
 * that the longest trajectories are reached too. Each walk stops at exit, at a dead end, or after
 * one action more than `maxTrajectoryLength` allows (so an overlong walk is caught rather than run
 * forever).
 */
export function randomWalks(env: Environment, walks: number, rng: Rng): WalkRecord {
  const d = env.stateDim;
  const nA = env.nActions;
  const exit = nA - 1;
  const seen = new Map<string, number>();
  const visited: number[] = [];
  const visit = (states: Int32Array, i: number): void => {
    const key = showRow(states, d, i);
    if (seen.has(key)) return;
    seen.set(key, seen.size);
    for (let c = 0; c < d; c++) visited.push(states[i * d + c]!);
  };
  const parents: number[] = [];
  const actions: number[] = [];
  const children: number[] = [];
  const terminals: number[] = [];
  const overlong: string[] = [];
  const deadEnds: string[] = [];
  let current: Int32Array = new Int32Array(walks * d);
  for (let i = 0; i < walks; i++) current.set(env.s0, i * d);
  let active = walks;
  let avoidsExit = Array.from({ length: walks }, (_, i) => i % 2 === 1);
  for (let t = 0; active > 0; t++) {
    for (let i = 0; i < active; i++) visit(current, i);
    if (t >= env.maxTrajectoryLength) {
      for (let i = 0; i < active; i++)
        overlong.push(`walk still at ${showRow(current, d, i)} after ${t} actions (maxTrajectoryLength ${env.maxTrajectoryLength})`);
      break;
    }
    const mask = env.forwardMask(current);
    const chosen = randomAllowed(mask, nA, nA, rng);
    for (let i = 0; i < active; i++) {
      if (!avoidsExit[i] || chosen[i] !== exit) continue;
      const others = mask.slice(i * nA, i * nA + exit);
      if (others.some((v) => v === 1)) chosen[i] = randomAllowed(others, exit, exit, rng)[0]!;
    }
    const moving: number[] = [];
    for (let i = 0; i < active; i++) {
      const a = chosen[i]!;
      if (a < 0) deadEnds.push(`${showRow(current, d, i)} allows no forward action`);
      else if (a === exit) for (let c = 0; c < d; c++) terminals.push(current[i * d + c]!);
      else moving.push(i);
    }
    const from = selectRows(current, d, moving);
    const acts = Int32Array.from(moving, (i) => chosen[i]!);
    const next = moving.length > 0 ? env.step(from, acts) : new Int32Array(0);
    parents.push(...from);
    actions.push(...acts);
    children.push(...next);
    current = next;
    avoidsExit = moving.map((i) => avoidsExit[i]!);
    active = moving.length;
  }
  return {
    states: Int32Array.from(visited),
    parents: Int32Array.from(parents),
    actions: Int32Array.from(actions),
    children: Int32Array.from(children),
    terminals: Int32Array.from(terminals),
    overlong,
    deadEnds,
  };
}

/** Indices of the rows of a `rows x nActions` forward mask that allow exit (the last action). */
export function exitRows(forwardMask: Uint8Array, nActions: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < forwardMask.length / nActions; i++) if (forwardMask[i * nActions + nActions - 1]) out.push(i);
  return out;
}
