import { Type } from 'typebox';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import type { Environment } from './environment.js';
import { environmentView } from './environment-view.js';
import { HttpRewardSource } from './http-reward-source.js';
import type { WithRewardBatch } from './reward-batch.js';
import { RewardClient, type RewardClientStats } from './reward-client.js';

/**
 * Schema of the optional `reward` section: the terminal reward comes from a reward service over
 * HTTP instead of the environment's own `logReward`; the environment still supplies the states,
 * the actions and the masks. Absent: the in-process reward, exactly as before the option existed.
 */
export const REMOTE_REWARD_SCHEMA = Type.Object(
  {
    url: Type.String({ minLength: 1, description: 'the reward service: POST {"stateDim", "states"} → {"logRewards"} (docs/rewards.md)' }),
    maxInFlight: Defaulted(Type.Integer({ minimum: 1, description: 'most calls waiting on the service at once' }), 4),
    maxBatchSize: Defaulted(Type.Integer({ minimum: 1, description: 'most states per call; larger requests are split' }), 64),
    cacheSize: Defaulted(Type.Integer({ minimum: 0, description: 'terminal states whose log-reward is kept (LRU); 0 = no cache' }), 100_000),
    timeoutMs: Defaulted(Type.Integer({ minimum: 1, description: 'one call is abandoned after this many ms' }), 30_000),
    retries: Defaulted(Type.Integer({ minimum: 0, description: 'further attempts of a failed call; then the run fails' }), 3),
    backoffMs: Defaulted(Type.Integer({ minimum: 0, description: 'wait before the first retry, doubling each time' }), 250),
  },
  { additionalProperties: false },
);

/** The `reward` section of a run config, defaults filled in. */
export type RemoteRewardConfig = Resolved<typeof REMOTE_REWARD_SCHEMA>;

/** An environment whose terminal reward a reward service computes, through a {@link RewardClient}. */
export type RemoteRewardEnvironment<E extends Environment> = E & WithRewardStats;

/** A batched reward that reports its client's counters. */
export interface WithRewardStats extends WithRewardBatch {
  /** The client's counters (cache hits and misses, calls, retries, in-flight calls). */
  rewardStats(): RewardClientStats;
}

/** Type guard: an environment whose reward comes through a client that reports its counters (a `reward` section). */
export function hasRewardStats(env: object): env is WithRewardStats {
  return typeof (env as Partial<WithRewardStats>).rewardStats === 'function';
}

/**
 * `env` with its reward taken from the service at `config.url`: `rewardBatch` asks the service
 * (cached, batched, bounded in concurrency, timed out and retried as configured); everything else
 * is the environment itself ({@link environmentView}), so what it computes from its own reward
 * (an exact distribution, a test set) stays the in-process one. The synchronous `logReward` of the
 * view refuses: a reward that takes time is awaited through `rewardBatch`, never blocked on.
 */
export function withRemoteReward<E extends Environment>(env: E, config: RemoteRewardConfig): RemoteRewardEnvironment<E> {
  const { url, ...options } = config;
  const client = new RewardClient(new HttpRewardSource(url, env.stateDim), env.stateDim, options);
  const methods: Partial<Environment> & WithRewardStats = {
    rewardBatch: (states, count) => client.rewardBatch(states, count),
    rewardStats: () => client.stats(),
    logReward: () => {
      throw new Error(
        `environment '${env.name}' takes its reward from ${client.name}, which answers asynchronously: it is read with rewardBatch(states, count); the synchronous logReward is not available`,
      );
    },
  };
  return environmentView(env, methods) as RemoteRewardEnvironment<E>;
}
