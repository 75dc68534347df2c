import type { Environment } from './environment.js';

/**
 * Optional capability: log R(s') − log R(s) of forward transitions s → s' = step(s, a) computed
 * locally, without scoring either state in full (e.g. the DAG task's BGe "delta score": adding
 * the edge i → j changes node j's local score only). Objectives that train on transitions of an
 * environment whose every state is terminal (modified detailed balance) use it when present.
 */
export interface WithLogRewardDelta {
  /**
   * log R(step(s, a)) − log R(s) for each row: `states` is `n x stateDim`, `actions` holds n
   * non-exit forward actions allowed in their states.
   */
  logRewardDelta(states: Int32Array, actions: Int32Array): Float64Array;
}

/** Type guard for {@link WithLogRewardDelta}. */
export function hasLogRewardDelta(env: Environment): env is Environment & WithLogRewardDelta {
  return typeof (env as Partial<WithLogRewardDelta>).logRewardDelta === 'function';
}

/**
 * log R(s') − log R(s) of forward transitions: the environment's local difference when it offers
 * one, otherwise two full log-reward evaluations.
 */
export function logRewardDeltas(env: Environment, states: Int32Array, actions: Int32Array, nextStates: Int32Array): Float64Array {
  if (hasLogRewardDelta(env)) return env.logRewardDelta(states, actions);
  const before = env.logReward(states);
  const after = env.logReward(nextStates);
  const out = new Float64Array(before.length);
  for (let k = 0; k < out.length; k++) out[k] = after[k]! - before[k]!;
  return out;
}
