import type { Environment } from './environment.js';

/**
 * Rewards that take time: the asynchronous, batched form of {@link Environment.logReward}.
 *
 * Same conventions as `logReward`: one **natural-log** reward per row of `states` (a flat
 * `count x stateDim` batch of terminating states), unclipped, `−Infinity` allowed for R = 0, never
 * `+Infinity` or NaN. Log-rewards rather than rewards so that the two forms are interchangeable
 * and a reward too small or too large for a float64 survives the trip.
 *
 * An environment whose reward is an expensive oracle (a simulator, a docking program, a trained
 * proxy behind a service) offers it as the optional capability {@link WithRewardBatch}; a caller
 * that can wait asks {@link rewardBatchOf}, which falls back to the synchronous `logReward` for
 * every other environment.
 */
export interface WithRewardBatch {
  /**
   * The log-rewards of `count` terminating states. `signal`, when given, is aborted when the caller
   * no longer wants the answer (a timeout): a source should stop its work and reject.
   */
  rewardBatch(states: Int32Array, count: number, signal?: AbortSignal): Promise<Float64Array>;
}

/** A named source of batched log-rewards: what a {@link WithRewardBatch} is built on, e.g. a reward service. */
export interface RewardBatchSource extends WithRewardBatch {
  /** How errors name it, e.g. `reward service http://127.0.0.1:4100/`. */
  readonly name: string;
}

/** Type guard for the {@link WithRewardBatch} capability. */
export function hasRewardBatch(env: Environment): env is Environment & WithRewardBatch {
  return typeof (env as Partial<WithRewardBatch>).rewardBatch === 'function';
}

/**
 * The seam through which a sampler that can wait gets the rewards of its terminal states: the
 * environment's own `rewardBatch` when it has one, else its synchronous `logReward`, resolved at
 * once (so every environment answers through this one call).
 */
export function rewardBatchOf(env: Environment): WithRewardBatch['rewardBatch'] {
  if (hasRewardBatch(env)) return (states, count, signal) => env.rewardBatch(states, count, signal);
  return (states, count) => {
    if (states.length !== count * env.stateDim) {
      return Promise.reject(new Error(`rewardBatch: ${states.length} state entries are not count ${count} x stateDim ${env.stateDim}`));
    }
    try {
      return Promise.resolve(env.logReward(states));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/**
 * The log-rewards a walk over terminal states whose rewards are already `known` (a backward walk
 * from a batch's terminal states, a replayed state) carries: `known` itself for an environment with
 * a batched reward, so that a reward that takes time is never asked twice; undefined for any other,
 * whose synchronous `logReward` is asked again as it always was (a noisy reward then draws what it
 * always drew, so a run's numbers do not change).
 */
export function reuseKnownRewards(env: Environment, known: Float64Array): Float64Array | undefined {
  return hasRewardBatch(env) ? known : undefined;
}
