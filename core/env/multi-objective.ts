import type { Environment } from './environment.js';

/**
 * Optional capability: an environment with several reward components R_1 … R_K (objectives), each
 * positive, for multi-objective GFlowNets. Its own `logReward` stays one number per state (what an
 * unconditional run trains on); a preference condition ω combines the components as
 * log R_ω(x) = Σ_i ω_i log R_i(x) (`core/env/condition/preference-space.ts`).
 */
export interface MultiObjective {
  /** The objectives' names, in the order of `logObjectives`' columns (e.g. `branin`, `currin`). */
  readonly objectiveNames: readonly string[];
  /** log R_i of each terminal state: `n x K`, row-major. */
  logObjectives(states: Int32Array): Float64Array;
}

/** Type guard for {@link MultiObjective}. */
export function isMultiObjective(env: Environment): env is Environment & MultiObjective {
  const e = env as Partial<MultiObjective>;
  return Array.isArray(e.objectiveNames) && typeof e.logObjectives === 'function';
}

/**
 * log R_i of every state of `all` (rows of `stateDim`) where a trajectory may stop (`stops[i] > 0`,
 * e.g. the environment's own `trueDistribution()`), −∞ in every objective elsewhere: `n x K`. Only
 * the stopping states are asked: a sequence task has no reward for a partial sequence.
 */
export function logObjectivesWhereStopping(env: MultiObjective, all: Int32Array, stateDim: number, stops: ArrayLike<number>): Float64Array {
  const k = env.objectiveNames.length;
  const n = stops.length;
  const out = new Float64Array(n * k).fill(-Infinity);
  const rows = Array.from({ length: n }, (_, i) => i).filter((i) => stops[i]! > 0);
  if (rows.length === n) return env.logObjectives(all);
  const states = new Int32Array(rows.length * stateDim);
  rows.forEach((i, r) => states.set(all.subarray(i * stateDim, i * stateDim + stateDim), r * stateDim));
  const logR = env.logObjectives(states);
  rows.forEach((i, r) => out.set(logR.subarray(r * k, r * k + k), i * k));
  return out;
}
