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
