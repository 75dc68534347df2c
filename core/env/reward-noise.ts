import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import { field } from '../checkpoint/checkpointable.js';
import { Type } from 'typebox';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import type { Rng } from '../base/rng.js';
import type { Environment } from './environment.js';
import { environmentView } from './environment-view.js';
import { hasRewardBatch, type WithRewardBatch } from './reward-batch.js';

/** Valid values of {@link RewardNoiseConfig.center}. */
export const REWARD_NOISE_CENTERS = ['log', 'reward'] as const;

/**
 * Schema of the `rewardNoise` section. It has no default: a config without the section resolves
 * to exactly what it did before the option existed (same run identity, no extra random stream).
 */
export const REWARD_NOISE_SCHEMA = Type.Object(
  {
    /** σ, the standard deviation of the noise added to log R (≥ 0; 0 = a noise-free run). */
    scale: Type.Number({ minimum: 0, description: 'σ: training sees log R + σ·ε, ε ~ N(0,1) fresh per reward query; evaluation always uses the true R' }),
    /**
     * Which mean the noise leaves unchanged. `log` (c = 0): E[log R̃] = log R, so the log-domain
     * losses see unbiased targets and a learned log Z stays comparable to the true one. `reward`
     * (c = σ²/2): E[R̃] = R, the reward itself is unbiased, and log R̃ is low by σ²/2 on average.
     */
    center: Defaulted(Type.Enum(REWARD_NOISE_CENTERS, { description: 'log: E[log R̃] = log R; reward: subtract σ²/2 so that E[R̃] = R' }), 'log'),
  },
  { additionalProperties: false },
);

/**
 * The optional `rewardNoise` section of the run config: training sees a noisy reward
 * R̃ = R·exp(σ·ε − c), ε ~ N(0, 1) drawn fresh per query, i.e. log R̃ = log R + σ·ε − c.
 */
export type RewardNoiseConfig = Resolved<typeof REWARD_NOISE_SCHEMA>;

/**
 * Multiplicative log-normal reward noise, drawn from a random stream of its own (so that the noise
 * never shifts the sampler's or any other stream, and σ = 0 trains exactly as without noise).
 * One standard normal draw per queried row, −∞ rows included, so that the stream's position
 * depends only on how many rewards were queried.
 */
export class RewardNoise implements Checkpointable {
  /** c: σ²/2 under `center: reward`, 0 under `log`. */
  readonly offset: number;

  constructor(
    readonly config: RewardNoiseConfig,
    private readonly rng: Rng,
  ) {
    if (!(config.scale >= 0) || !Number.isFinite(config.scale)) throw new Error(`rewardNoise.scale must be a finite number ≥ 0, got ${config.scale}`);
    this.offset = config.center === 'reward' ? (config.scale * config.scale) / 2 : 0;
  }

  /** A noisy copy of `logRewards` (the input is not modified). */
  perturb(logRewards: Float64Array): Float64Array {
    const { scale } = this.config;
    const out = new Float64Array(logRewards.length);
    for (let i = 0; i < out.length; i++) out[i] = logRewards[i]! + scale * this.rng.normal() - this.offset;
    return out;
  }

  /** The noise stream's position. */
  saveState(): StateRecord {
    return { rng: this.rng.getState() };
  }

  loadState(state: StateRecord): void {
    this.rng.setState(field<number[]>(state, 'rng', 'the reward noise'));
  }
}

/**
 * The environment as training sees it: `logReward` returns {@link RewardNoise.perturb} of the true
 * log-reward, everything else is the environment itself ({@link environmentView}): what it
 * computes from its own reward (its exact distribution, a guide's low-reward test) uses the true
 * reward; only queries of `logReward` through this view are noisy. An environment whose reward
 * takes time (`rewardBatch`, e.g. a reward service) gets the noise on that reward, drawn when the
 * answer arrives.
 */
export function withRewardNoise<E extends Environment>(env: E, noise: RewardNoise): E {
  const logReward = (states: Int32Array): Float64Array => noise.perturb(env.logReward(states));
  if (!hasRewardBatch(env)) return environmentView(env, { logReward });
  const methods: Partial<Environment> & WithRewardBatch = {
    logReward,
    rewardBatch: async (states, count, signal) => noise.perturb(await env.rewardBatch(states, count, signal)),
  };
  return environmentView(env, methods);
}
