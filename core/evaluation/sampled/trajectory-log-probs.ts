import { networkInput } from '../../policy/network-input.js';
import type { Environment } from '../../env/environment.js';
import type { Estimator } from '../../tensor/estimator.js';
import type { BackwardPolicy } from '../../policy/backward.js';
import { maskedLogProbsOf } from '../../policy/categorical.js';
import { uniqueRows } from '../../policy/unique-states.js';
import { gatherTransitions, selectRows } from '../../sampling/transitions.js';
import type { Trajectories } from '../../sampling/trajectories.js';
import { readValues } from '../../tensor/read.js';

/** Per-trajectory log P_F(τ) (exit included) and log P_B(τ | x), float64. */
export interface TrajectoryLogProbs {
  logPF: Float64Array;
  logPB: Float64Array;
}

/**
 * log P_F(τ) and log P_B(τ | x) of every trajectory of a batch, forward or backward, with one
 * P_F and one P_B network call over all its steps, split only where observations or logits would
 * pass 64 MiB (no gradient; host arithmetic in float64).
 * A backward step from s' by action a to s is the forward step s → s' by the same action index.
 */
export function trajectoryLogProbs(env: Environment, forward: Estimator, backward: BackwardPolicy, batch: Trajectories): TrajectoryLogProbs {
  const d = env.stateDim;
  const exit = env.nActions - 1;
  const tr = gatherTransitions(batch, exit);
  const n = batch.nTraj;
  // forward rows: every non-exit step as (parent, action), then one (x, exit) row per trajectory
  const fromStates: Int32Array[] = [];
  const childStates: Int32Array[] = [];
  const moveActions: number[] = [];
  const moveTraj: number[] = [];
  for (let m = 0; m < tr.count; m++) {
    if (tr.isExit[m]) continue;
    const s = tr.states.subarray(m * d, m * d + d);
    const next = tr.nextStates.subarray(m * d, m * d + d);
    fromStates.push(batch.direction === 'forward' ? s : next);
    childStates.push(batch.direction === 'forward' ? next : s);
    moveActions.push(tr.actions[m]!);
    moveTraj.push(tr.traj[m]!);
  }
  const k = moveActions.length;
  const terminals = batch.terminalStates();
  const fRows = new Int32Array((k + n) * d);
  fromStates.forEach((s, m) => fRows.set(s, m * d));
  fRows.set(terminals, k * d);
  const fActions = new Int32Array(k + n);
  fActions.set(moveActions);
  fActions.fill(exit, k);
  const lpf = inChunks(env, fRows, fActions, (rows, actions) =>
    maskedLogProbsOf(forwardLogits(env, forward, rows), env.forwardMask(rows), env.nActions, actions),
  );
  const bRows = new Int32Array(k * d);
  childStates.forEach((s, m) => bRows.set(s, m * d));
  const lpb = inChunks(env, bRows, Int32Array.from(moveActions), (rows, actions) =>
    maskedLogProbsOf(backward.samplingLogits(rows), env.backwardMask(rows), exit, actions),
  );
  const logPF = new Float64Array(n);
  const logPB = new Float64Array(n);
  for (let m = 0; m < k; m++) {
    logPF[moveTraj[m]!]! += lpf[m]!;
    logPB[moveTraj[m]!]! += lpb[m]!;
  }
  for (let i = 0; i < n; i++) logPF[i]! += lpf[k + i]!;
  return { logPF, logPB };
}

/** Floats of observations or logits held at once by one network call (64 MiB). */
const CHUNK_FLOATS = 1 << 24;

/**
 * Applies `logProbs` to row chunks of (states, actions) small enough that neither the observations
 * nor the logits of a chunk exceed {@link CHUNK_FLOATS} (wide action spaces have thousands of logits per row).
 */
function inChunks(
  env: Environment,
  states: Int32Array,
  actions: Int32Array,
  logProbs: (states: Int32Array, actions: Int32Array) => Float32Array,
): Float32Array {
  const d = env.stateDim;
  const rows = actions.length;
  const per = Math.max(1, Math.floor(CHUNK_FLOATS / Math.max(env.obsDim, env.nActions)));
  if (rows <= per) return rows > 0 ? logProbs(states, actions) : new Float32Array(0);
  const out = new Float32Array(rows);
  for (let start = 0; start < rows; start += per) {
    const end = Math.min(rows, start + per);
    out.set(logProbs(states.subarray(start * d, end * d), actions.subarray(start, end)), start);
  }
  return out;
}

/** Host P_F logits of a state batch, one network call on its distinct states. */
function forwardLogits(env: Environment, forward: Estimator, states: Int32Array): Float32Array {
  const { unique, inverse } = uniqueRows(states, env.stateDim);
  const u = unique.length / env.stateDim;
  const logits = readValues(() => forward.predict(networkInput(env, forward, unique)));
  if (u === inverse.length) return logits;
  return selectRows(logits, env.nActions, inverse);
}
