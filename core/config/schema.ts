import { type TString, Type } from 'typebox';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import { BACKEND_CHOICES } from '../tensor/backend.js';
import { ENGINE_SCHEMA } from '../tensor/engines.js';
import { EXPLORATION_SCHEMA } from '../sampling/exploration.js';
import { REPLAY_SCHEMA } from '../sampling/replay.js';
import { LOCAL_SEARCH_SCHEMA } from '../sampling/local-search-config.js';
import { REWARD_NOISE_SCHEMA } from '../env/reward-noise.js';
import { CONDITION_SCHEMA } from '../env/condition/condition-config.js';
import { REMOTE_REWARD_SCHEMA } from '../env/remote-reward.js';
import { EVALUATION_SCHEMA } from '../evaluation/config.js';

export { EXACT_MAX_STATES_DEFAULT, type EvaluationConfig } from '../evaluation/config.js';

/** A config section that selects a plugin contribution by name, plus that contribution's options. */
export type Section = { name: string } & Record<string, unknown>;

/**
 * A section naming a contribution; its other fields are the contribution's options, checked
 * against the contribution's own schema after this one.
 */
const section = (name: TString = Type.String()) => Type.Unsafe<Section>(Type.Object({ name }));

/** Schema of the core fields; plugin sections (`env`, `objective`, `estimator`) are checked by name after this. */
export const CORE_SCHEMA = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    /** Run name: outputs go to `<logging.dir>/<name>/`. */
    name: Defaulted(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9._-]+$' }), 'run'),
    seed: Defaulted(Type.Integer({ minimum: 0 }), 0),
    backend: Defaulted(Type.Enum(BACKEND_CHOICES), 'auto'),
    /** Where the dense networks' passes run, in training and in exact evaluation. */
    engine: ENGINE_SCHEMA,
    /** Training iterations (one batch each). */
    iterations: Defaulted(Type.Integer({ minimum: 1 }), 1000),
    /** Trajectories per iteration. */
    batchSize: Defaulted(Type.Integer({ minimum: 1 }), 16),
    env: section(),
    /**
     * Noise on the reward training sees (any GFlowNet environment); evaluation measures against the
     * true reward. Absent = no noise.
     */
    rewardNoise: Type.Optional(REWARD_NOISE_SCHEMA),
    /**
     * A conditional GFlowNet: one policy for the targets R(x)^β over a range of β and/or R_ω over
     * preferences ω of a multi-objective environment, drawn per training trajectory and given to
     * every network (docs/conditional.md). Absent = unconditional.
     */
    condition: Type.Optional(CONDITION_SCHEMA),
    /** The terminal reward from a reward service over HTTP (docs/rewards.md). Absent = the environment's own reward. */
    reward: Type.Optional(REMOTE_REWARD_SCHEMA),
    objective: section(),
    estimator: Defaulted(section(Defaulted(Type.String(), 'mlp')), { name: 'mlp' }),
    /** Behaviour policy: ε-uniform mix (with a linear ε schedule) and temperature. */
    sampler: EXPLORATION_SCHEMA,
    /** Replay buffer feeding part of each batch (off-policy objectives only). */
    replay: REPLAY_SCHEMA,
    /** Local search refining fresh trajectories (off-policy objectives only). */
    localSearch: LOCAL_SEARCH_SCHEMA,
    evaluation: EVALUATION_SCHEMA,
    /**
     * Sample the next batch in a worker thread while the learner updates (the pipelined trainer:
     * batches one update stale, see docs/performance.md); false = sample, then update, in one thread.
     */
    pipeline: Defaulted(Type.Boolean({ description: 'sample the next batch in a worker thread during the update (one update off-policy)' }), false),
    /** Sampling actors: worker threads that sample with the newest parameters they have while the learner updates (docs/actors.md); 0 = sample in the learner's thread. */
    actors: Defaulted(Type.Integer({ minimum: 0, maximum: 64, description: "worker threads sampling for the learner; 0 = sample in the learner's thread" }), 0),
    /** How the actors' batches meet the learner: as they arrive (`async`), or in a fixed order with a fixed lag (`lockstep`, reproducible). */
    actorSchedule: Defaulted(
      Type.Enum(['async', 'lockstep'], {
        description: 'async: train on batches as they arrive; lockstep: actor (k-1) mod N samples update k, exactly maxLag updates stale',
      }),
      'async',
    ),
    /** The staleness bound, in updates: `async` drops batches older than it; `lockstep` samples every batch exactly that stale. */
    maxLag: Defaulted(
      Type.Integer({ minimum: 0, description: 'async: drop batches more than maxLag updates stale; lockstep: every batch is maxLag updates stale' }),
      8,
    ),
    logging: Defaulted(
      Type.Object(
        {
          dir: Defaulted(Type.String({ minLength: 1 }), 'runs'),
          every: Defaulted(Type.Integer({ minimum: 1, description: 'plain progress line every k iterations when not on a TTY' }), 50),
          progress: Defaulted(Type.Enum(['auto', 'bar', 'lines', 'none']), 'auto'),
          /** Finished episodes the episode-return metrics average over (objectives that collect their own experience). */
          episodeWindow: Defaulted(
            Type.Integer({ minimum: 1, description: 'episode-return mean and std are over the last N finished episodes (ppo, reinforce)' }),
            100,
          ),
        },
        { additionalProperties: false },
      ),
      {},
    ),
    /** Checkpoints into the run folder `<logging.dir>/<name>/`: every k iterations (0 = only at the end) and at the end. */
    checkpoint: Defaulted(
      Type.Object(
        {
          every: Defaulted(
            Type.Integer({ minimum: 0, description: "write the run folder's checkpoint every k iterations and at the end; 0 = only at the end" }),
            100,
          ),
        },
        { additionalProperties: false },
      ),
      {},
    ),
    /** Paths or package names of extra plugins to load. */
    plugins: Defaulted(Type.Array(Type.String({ minLength: 1 })), []),
  },
  { additionalProperties: false },
);

/** A run configuration after validation, with every default filled in: the type {@link CORE_SCHEMA} yields. */
export type ResolvedConfig = Omit<Resolved<typeof CORE_SCHEMA>, '$schema'>;
