import type { Enumerable, Environment } from '../env/environment.js';
import { logSumExp } from '../base/log-sum-exp.js';
import { selectRows } from '../sampling/transitions.js';
import type { ReportBuilder } from './report.js';
import { exitRows, showRow, type WalkRecord } from './walks.js';

/** Relative tolerance of the distribution checks (float64 sums over up to ~10⁵ states). */
const TOLERANCE = 1e-6;

/**
 * The checks of the `Enumerable` capability, added to `report`:
 * - `enumerable-shapes`: `allStates()` holds `nStates` rows, `trueDistribution()` `nStates` entries;
 * - `state-index-inverts-all-states`: `stateIndex(allStates())` is 0, 1, …, nStates − 1;
 * - `all-states-covers-reachable`: every state the walks reached is in `allStates()` at its `stateIndex`;
 * - `parents-before-children`: a child's index exceeds its parent's (along the walks, and over every
 *   state's children when there are at most `maxExhaustiveStates` states);
 * - `longest-trajectory` (at most `maxExhaustiveStates` states): the longest trajectory over all
 *   states, exit included, is within `maxTrajectoryLength`;
 * - `true-distribution-sums-to-one`: entries are ≥ 0 and sum to 1;
 * - `true-distribution-zero-where-no-exit`: entries are 0 where exit is not allowed;
 * - `true-distribution-matches-reward`: elsewhere they equal exp(logReward − log Σ R);
 * - `log-partition`: `logPartition()` equals log Σ R over the states where exit is allowed.
 */
export function checkEnumerable(env: Environment & Enumerable, walks: WalkRecord, report: ReportBuilder, maxExhaustiveStates: number): void {
  const d = env.stateDim;
  const nA = env.nActions;
  const n = env.nStates;
  let all: Int32Array | undefined;
  let target: Float64Array | undefined;
  report.run('enumerable-shapes', () => {
    all = env.allStates();
    target = env.trueDistribution();
    const out: string[] = [];
    if (!Number.isInteger(n) || n < 1) out.push(`nStates = ${n} is not a positive integer`);
    if (all.length !== n * d) out.push(`allStates() has ${all.length / d} rows, nStates is ${n}`);
    if (target.length !== n) out.push(`trueDistribution() has ${target.length} entries, nStates is ${n}`);
    return out;
  });
  const later = [
    'state-index-inverts-all-states',
    'all-states-covers-reachable',
    'parents-before-children',
    'true-distribution-sums-to-one',
    'true-distribution-zero-where-no-exit',
    'true-distribution-matches-reward',
    'log-partition',
  ];
  if (!all || !target || all.length !== n * d || target.length !== n) {
    for (const c of later) report.skipped(c, 'allStates() or trueDistribution() has the wrong size');
    return;
  }
  const states = all;
  const p = target;
  report.run('state-index-inverts-all-states', () => {
    const index = env.stateIndex(states);
    const out: string[] = [];
    for (let i = 0; i < n; i++) if (index[i] !== i) out.push(`stateIndex(allStates() row ${i} = ${showRow(states, d, i)}) = ${index[i]}`);
    return out;
  });
  report.run('all-states-covers-reachable', () => {
    const index = env.stateIndex(walks.states);
    const out: string[] = [];
    for (let i = 0; i < index.length; i++) {
      const k = index[i]!;
      const row = showRow(walks.states, d, i);
      if (!(Number.isInteger(k) && k >= 0 && k < n) || showRow(states, d, k) !== row)
        out.push(`reachable state ${row} has stateIndex ${k}, where allStates() holds ${k >= 0 && k < n ? showRow(states, d, k) : 'nothing'}`);
    }
    return out;
  });
  const exhaustive = n <= maxExhaustiveStates ? everyTransition(env, states) : undefined;
  report.run('parents-before-children', () => {
    const out = orderProblems(env, walks.parents, walks.actions, walks.children);
    if (exhaustive) out.push(...orderProblems(env, exhaustive.parents, exhaustive.actions, exhaustive.children));
    return out;
  });
  if (exhaustive) report.run('longest-trajectory', () => longestTrajectoryProblems(env, states, exhaustive));
  report.run('true-distribution-sums-to-one', () => {
    const out: string[] = [];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (!(p[i]! >= 0)) out.push(`trueDistribution()[${i}] = ${p[i]}`);
      sum += p[i]!;
    }
    if (!(Math.abs(sum - 1) <= TOLERANCE)) out.push(`trueDistribution() sums to ${sum}`);
    return out;
  });
  const mask = env.forwardMask(states);
  const exits = exitRows(mask, nA);
  report.run('true-distribution-zero-where-no-exit', () => {
    const out: string[] = [];
    for (let i = 0; i < n; i++)
      if (!mask[i * nA + nA - 1] && p[i] !== 0) out.push(`trueDistribution()[${i}] = ${p[i]} at ${showRow(states, d, i)}, where exit is not allowed`);
    return out;
  });
  const logR = env.logReward(selectRows(states, d, exits));
  const logZ = logSumExp(logR);
  report.run('true-distribution-matches-reward', () => {
    const out: string[] = [];
    exits.forEach((i, r) => {
      const expected = Math.exp(logR[r]! - logZ);
      if (!(Math.abs(p[i]! - expected) <= TOLERANCE * expected + 1e-12))
        out.push(`trueDistribution()[${i}] = ${p[i]} at ${showRow(states, d, i)}, but R/Z = ${expected}`);
    });
    return out;
  });
  report.run('log-partition', () => {
    const got = env.logPartition();
    return Math.abs(got - logZ) <= TOLERANCE * Math.max(1, Math.abs(logZ))
      ? []
      : [`logPartition() = ${got}, but log Σ R over the states where exit is allowed = ${logZ}`];
  });
}

/** Every non-exit transition out of every state. */
function everyTransition(env: Environment, states: Int32Array): { parents: Int32Array; actions: Int32Array; children: Int32Array } {
  const d = env.stateDim;
  const nA = env.nActions;
  const mask = env.forwardMask(states);
  const parents: number[] = [];
  const actions: number[] = [];
  for (let i = 0; i < states.length / d; i++)
    for (let a = 0; a < nA - 1; a++) if (mask[i * nA + a]) parents.push(...states.subarray(i * d, i * d + d)), actions.push(a);
  const from = Int32Array.from(parents);
  const acts = Int32Array.from(actions);
  return { parents: from, actions: acts, children: acts.length > 0 ? env.step(from, acts) : new Int32Array(0) };
}

/**
 * The longest trajectory (exit included) over the state graph, by dynamic programming over
 * depths from s0 — valid only when parents come first, which `parents-before-children` checks.
 */
function longestTrajectoryProblems(env: Environment & Enumerable, states: Int32Array, t: { parents: Int32Array; children: Int32Array }): string[] {
  const d = env.stateDim;
  const nA = env.nActions;
  const n = env.nStates;
  const depth = new Float64Array(n).fill(-Infinity);
  depth[env.stateIndex(env.s0)[0]!] = 0;
  const ip = env.stateIndex(t.parents);
  const ic = env.stateIndex(t.children);
  // transitions sorted by parent index: a parent's depth is final before its children are relaxed
  const order = Array.from(ip.keys()).sort((a, b) => ip[a]! - ip[b]!);
  for (const k of order) depth[ic[k]!] = Math.max(depth[ic[k]!]!, depth[ip[k]!]! + 1);
  const mask = env.forwardMask(states);
  let longest = 0;
  let at = 0;
  for (const i of exitRows(mask, nA)) if (depth[i]! + 1 > longest) (longest = depth[i]! + 1), (at = i);
  return longest <= env.maxTrajectoryLength
    ? []
    : [`a trajectory to ${showRow(states, d, at)} takes ${longest} actions (exit included), maxTrajectoryLength is ${env.maxTrajectoryLength}`];
}

/** Transitions whose child does not come after its parent in `allStates()`. */
function orderProblems(env: Environment & Enumerable, parents: Int32Array, actions: Int32Array, children: Int32Array): string[] {
  const d = env.stateDim;
  if (actions.length === 0) return [];
  const ip = env.stateIndex(parents);
  const ic = env.stateIndex(children);
  const out: string[] = [];
  for (let i = 0; i < actions.length; i++) {
    if (!(ic[i]! > ip[i]!))
      out.push(`step(${showRow(parents, d, i)}, ${actions[i]}) = ${showRow(children, d, i)} has index ${ic[i]}, not after its parent's ${ip[i]}`);
  }
  return out;
}
