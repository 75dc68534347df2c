import { type Environment, isEnumerable } from '../env/environment.js';
import { Rng } from '../base/rng.js';
import { checkEnumerable } from './enumerable.js';
import { fewHotProblems } from './few-hot.js';
import { selectRows } from '../sampling/transitions.js';
import { type ConformanceReport, ReportBuilder } from './report.js';
import { exitRows, randomAllowed, randomWalks, showRow, type WalkRecord } from './walks.js';

/** Sizes of {@link checkEnvironment}'s sample. */
export interface EnvironmentCheckOptions {
  /** Uniformly random forward walks from s0 whose states and transitions are checked (default 64). */
  walks?: number;
  /** Seed of the walks (default 0). */
  seed?: number;
  /**
   * For `Enumerable` environments with at most this many states, parents-before-children is checked
   * on every state's children, not only along the walks (default 5000).
   */
  maxExhaustiveStates?: number;
  /**
   * `Enumerable` environments with more states than this (default 2,000,000) are checked like
   * non-enumerable ones: listing their states is what exact evaluation refuses too (e.g. sehstr's
   * 47M states).
   */
  maxEnumeratedStates?: number;
}

/**
 * Checks the invariants the framework relies on, on states reached by seeded uniformly random
 * walks, and reports each broken one by name:
 * - `shapes`: s0, masks, rewards, observations and `isInitial` have the documented lengths; observations are finite;
 * - `few-hot-columns` (environments with `encodeColumns`): the columns stand for exactly `encode`'s rows;
 * - `initial-state`: `isInitial(s0)` is 1 (and 0 elsewhere), s0 has no backward action;
 * - `no-dead-ends`: every reachable state allows some forward action;
 * - `trajectory-length`: every walk exits within `maxTrajectoryLength` actions (exit counted);
 * - `step-inverse`: after `step(s, a)`, backward action `a` is allowed and `backwardStep` returns s;
 * - `backward-step-inverse`: after `backwardStep(s', a)`, forward action `a` is allowed and `step` returns s';
 * - `backward-reaches-s0`: backward walks from terminal states reach s0 within `maxTrajectoryLength − 1` actions;
 * - `exit-reward`: `logReward` is a number below +∞ (−∞ allowed) wherever exit is allowed;
 * - for `Enumerable` environments: enumerable-shapes, state-index-inverts-all-states,
 *   all-states-covers-reachable, parents-before-children, longest-trajectory,
 *   true-distribution-sums-to-one, true-distribution-zero-where-no-exit,
 *   true-distribution-matches-reward, log-partition (see docs/plugins.md), unless they have more
 *   than `maxEnumeratedStates` states.
 */
export function checkEnvironment(env: Environment, options: EnvironmentCheckOptions = {}): ConformanceReport {
  const report = new ReportBuilder(`environment '${env.name}'`);
  const rng = new Rng(options.seed ?? 0);
  let walks: WalkRecord | undefined;
  report.run('walks', () => {
    walks = randomWalks(env, options.walks ?? 64, rng);
    return [];
  });
  if (!walks) {
    for (const c of [
      'shapes',
      'few-hot-columns',
      'initial-state',
      'no-dead-ends',
      'trajectory-length',
      'step-inverse',
      'backward-step-inverse',
      'backward-reaches-s0',
      'exit-reward',
    ]) {
      report.skipped(c, 'the random walks from s0 failed');
    }
    return report.report();
  }
  const w = walks;
  report.run('shapes', () => shapeProblems(env, w.states, w.terminals));
  report.run('few-hot-columns', () => fewHotProblems(env, w.states));
  report.run('initial-state', () => initialStateProblems(env, w.states));
  report.run('no-dead-ends', () => w.deadEnds);
  report.run('trajectory-length', () => w.overlong);
  report.run('step-inverse', () => stepInverseProblems(env, w));
  report.run('backward-step-inverse', () => backwardStepInverseProblems(env, w.states));
  report.run('backward-reaches-s0', () => backwardWalkProblems(env, w.terminals, rng));
  report.run('exit-reward', () => exitRewardProblems(env, w.states));
  if (isEnumerable(env) && env.nStates <= (options.maxEnumeratedStates ?? 2_000_000)) checkEnumerable(env, w, report, options.maxExhaustiveStates ?? 5000);
  return report.report();
}

function shapeProblems(env: Environment, states: Int32Array, terminals: Int32Array): string[] {
  const out: string[] = [];
  const { stateDim: d, nActions: nA } = env;
  const n = states.length / d;
  for (const [field, v] of Object.entries({ stateDim: d, nActions: nA, obsDim: env.obsDim, maxTrajectoryLength: env.maxTrajectoryLength })) {
    if (!Number.isInteger(v) || v < 1) out.push(`${field} = ${v} is not a positive integer`);
  }
  if (nA < 2) out.push(`nActions = ${nA}: at least one action besides exit is needed`);
  if (env.s0.length !== d) out.push(`s0 has length ${env.s0.length}, stateDim is ${d}`);
  const expect = (what: string, got: number, want: number): void => {
    if (got !== want) out.push(`${what} returned ${got} values for ${n} states, expected ${want}`);
  };
  expect('forwardMask', env.forwardMask(states).length, n * nA);
  expect('backwardMask', env.backwardMask(states).length, n * (nA - 1));
  // logReward is only defined where exit is allowed
  expect('logReward', env.logReward(terminals).length, terminals.length / d);
  expect('isInitial', env.isInitial(states).length, n);
  const obs = env.encode(states);
  expect('encode', obs.length, n * env.obsDim);
  const bad = obs.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) out.push(`encode(${showRow(states, d, Math.floor(bad / env.obsDim))}) has a non-finite value ${obs[bad]}`);
  return out;
}

function initialStateProblems(env: Environment, states: Int32Array): string[] {
  const out: string[] = [];
  const d = env.stateDim;
  const initial = env.isInitial(states);
  // the walks record s0 first and every state once
  if (initial[0] !== 1) out.push(`isInitial(s0) = ${initial[0]}, expected 1`);
  for (let i = 1; i < initial.length; i++) if (initial[i]) out.push(`isInitial(${showRow(states, d, i)}) = 1 for a state other than s0`);
  const back = env.backwardMask(env.s0);
  if (back.some((v) => v !== 0)) out.push(`backwardMask(s0) = [${Array.from(back).join(',')}] allows a backward action from s0`);
  return out;
}

function stepInverseProblems(env: Environment, w: WalkRecord): string[] {
  const out: string[] = [];
  const d = env.stateDim;
  const nB = env.nActions - 1;
  const n = w.actions.length;
  if (n === 0) return out;
  const mask = env.backwardMask(w.children);
  const back = env.backwardStep(w.children, w.actions);
  for (let i = 0; i < n; i++) {
    const a = w.actions[i]!;
    const step = `step(${showRow(w.parents, d, i)}, ${a}) = ${showRow(w.children, d, i)}`;
    if (!mask[i * nB + a]) out.push(`${step} but backwardMask there does not allow action ${a}`);
    else if (showRow(back, d, i) !== showRow(w.parents, d, i)) out.push(`${step} but backwardStep(…, ${a}) = ${showRow(back, d, i)}`);
  }
  return out;
}

function backwardStepInverseProblems(env: Environment, states: Int32Array): string[] {
  const out: string[] = [];
  const d = env.stateDim;
  const nA = env.nActions;
  const nB = nA - 1;
  const mask = env.backwardMask(states);
  const rows: number[] = [];
  const acts: number[] = [];
  for (let i = 0; i < states.length / d; i++) for (let a = 0; a < nB; a++) if (mask[i * nB + a]) rows.push(i), acts.push(a);
  if (rows.length === 0) return out;
  const from = selectRows(states, d, rows);
  const actions = Int32Array.from(acts);
  const parents = env.backwardStep(from, actions);
  const fmask = env.forwardMask(parents);
  const allowed = rows.map((_, r) => fmask[r * nA + actions[r]!] === 1);
  const keep = rows.map((_, r) => r).filter((r) => allowed[r]);
  for (let r = 0; r < rows.length; r++) {
    if (!allowed[r])
      out.push(`backwardStep(${showRow(from, d, r)}, ${actions[r]}) = ${showRow(parents, d, r)} but forwardMask there does not allow action ${actions[r]}`);
  }
  if (keep.length === 0) return out;
  const children = env.step(
    selectRows(parents, d, keep),
    Int32Array.from(keep, (r) => actions[r]!),
  );
  keep.forEach((r, k) => {
    if (showRow(children, d, k) !== showRow(from, d, r)) {
      out.push(`backwardStep(${showRow(from, d, r)}, ${actions[r]}) = ${showRow(parents, d, r)} but step(…, ${actions[r]}) = ${showRow(children, d, k)}`);
    }
  });
  return out;
}

function backwardWalkProblems(env: Environment, terminals: Int32Array, rng: Rng): string[] {
  const out: string[] = [];
  const d = env.stateDim;
  const nB = env.nActions - 1;
  let current = terminals;
  let origin = terminals;
  for (let t = 0; current.length > 0; t++) {
    const initial = env.isInitial(current);
    const moving: number[] = [];
    for (let i = 0; i < initial.length; i++) if (!initial[i]) moving.push(i);
    if (moving.length === 0) break;
    if (t >= env.maxTrajectoryLength - 1) {
      for (const i of moving)
        out.push(`backward walk from ${showRow(origin, d, i)} not at s0 after ${t} actions (maxTrajectoryLength ${env.maxTrajectoryLength} counts exit)`);
      break;
    }
    const from = selectRows(current, d, moving);
    const from0 = selectRows(origin, d, moving);
    const chosen = randomAllowed(env.backwardMask(from), nB, nB, rng);
    const ok = Array.from(chosen.keys()).filter((r) => chosen[r]! >= 0);
    for (let r = 0; r < chosen.length; r++) if (chosen[r]! < 0) out.push(`${showRow(from, d, r)} (not s0) allows no backward action`);
    origin = selectRows(from0, d, ok);
    current =
      ok.length > 0
        ? env.backwardStep(
            selectRows(from, d, ok),
            Int32Array.from(ok, (r) => chosen[r]!),
          )
        : new Int32Array(0);
  }
  return out;
}

function exitRewardProblems(env: Environment, states: Int32Array): string[] {
  const out: string[] = [];
  const d = env.stateDim;
  const nA = env.nActions;
  const mask = env.forwardMask(states);
  const exits = exitRows(mask, nA);
  const terminal = selectRows(states, d, exits);
  const logR = env.logReward(terminal);
  for (let r = 0; r < exits.length; r++) {
    const v = logR[r]!;
    if (Number.isNaN(v) || v === Infinity) out.push(`logReward(${showRow(terminal, d, r)}) = ${v} where exit is allowed`);
  }
  return out;
}
