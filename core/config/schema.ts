import { BACKEND_CHOICES, type BackendChoice } from '../tensor/backend.js';
import type { EngineConfig } from '../tensor/engines.js';
import type { JsonSchema } from '../base/json-schema.js';
import type { ExplorationSchedule } from '../sampling/exploration.js';
import type { ReplayConfig } from '../sampling/replay.js';
import { type LocalSearchConfig, LOCAL_SEARCH_SCHEMA } from '../sampling/local-search-config.js';
import { type RewardNoiseConfig, REWARD_NOISE_SCHEMA } from '../env/reward-noise.js';
import { EXACT_MAX_STATES_DEFAULT, type EvaluationConfig } from '../evaluation/config.js';

export { EXACT_MAX_STATES_DEFAULT, type EvaluationConfig } from '../evaluation/config.js';

/** A config section that selects a plugin contribution by name, plus that contribution's options. */
export type Section = { name: string } & Record<string, unknown>;

/** A run configuration after validation, with every default filled in. */
export interface ResolvedConfig {
  /** Run name: outputs go to `<logging.dir>/<name>/`. */
  name: string;
  seed: number;
  backend: BackendChoice;
  /** Where the dense networks' passes run, in training and in exact evaluation. */
  engine: EngineConfig;
  /** Training iterations (one batch each). */
  iterations: number;
  /** Trajectories per iteration. */
  batchSize: number;
  env: Section;
  /**
   * Noise on the reward training sees (any GFlowNet environment); evaluation measures against the
   * true reward. Absent = no noise.
   */
  rewardNoise?: RewardNoiseConfig;
  objective: Section;
  estimator: Section;
  /** Behaviour policy: ε-uniform mix (with a linear ε schedule) and temperature. */
  sampler: ExplorationSchedule;
  /** Replay buffer feeding part of each batch (off-policy objectives only). */
  replay: ReplayConfig;
  /** Local search refining fresh trajectories (off-policy objectives only). */
  localSearch: LocalSearchConfig;
  evaluation: EvaluationConfig;
  logging: {
    dir: string;
    every: number;
    progress: 'auto' | 'bar' | 'lines' | 'none';
    /** Finished episodes the episode-return metrics average over (objectives that collect their own experience). */
    episodeWindow: number;
  };
  /** Checkpoints to `<logging.dir>/<name>/checkpoint.json`: every k iterations (0 = only at the end) and at the end. */
  checkpoint: { every: number };
  /** Paths or package names of extra plugins to load. */
  plugins: string[];
}

const section = (defaultName?: string): JsonSchema => ({
  type: 'object',
  required: defaultName ? [] : ['name'],
  properties: { name: { type: 'string', ...(defaultName ? { default: defaultName } : {}) } },
  ...(defaultName ? { default: { name: defaultName } } : {}),
});

/** Schema of the core fields; plugin sections (`env`, `objective`, `estimator`) are checked by name after this. */
export const CORE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['env', 'objective'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9._-]+$', default: 'run' },
    seed: { type: 'integer', minimum: 0, default: 0 },
    backend: { enum: [...BACKEND_CHOICES], default: 'auto' },
    engine: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          default: 'auto',
          description: 'where the MLPs\' passes run, in training and exact evaluation — "backend" (the tensor backend), an engine a plugin contributes ("onnxruntime": native, needs the optional onnxruntime-node), "auto" = the first that can run here',
        },
        threads: {
          anyOf: [{ type: 'integer', minimum: 0 }, { enum: ['auto'] }],
          default: 'auto',
          description: 'threads of the engine: "auto" = 1 in training (fastest for its small matrices) and every core in exact evaluation; a number = that many for both, 0 = every core',
        },
      },
    },
    iterations: { type: 'integer', minimum: 1, default: 1000 },
    batchSize: { type: 'integer', minimum: 1, default: 16 },
    env: section(),
    rewardNoise: REWARD_NOISE_SCHEMA,
    objective: section(),
    estimator: section('mlp'),
    sampler: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        epsilon: { type: 'number', minimum: 0, maximum: 1, default: 0, description: 'probability of a uniform action instead of P_F (at iteration 0)' },
        // no default: it defaults to epsilon, which a schema default cannot say
        epsilonFinal: { type: 'number', minimum: 0, maximum: 1, description: 'ε after the decay (default: epsilon)' },
        epsilonDecayIterations: { type: 'integer', minimum: 0, default: 0, description: 'iterations of the linear decay from epsilon to epsilonFinal; 0 = constant' },
        temperature: { type: 'number', exclusiveMinimum: 0, default: 1 },
      },
    },
    replay: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        kind: { enum: ['none', 'uniform', 'prioritized', 'terminal'], default: 'none', description: 'what the buffer keeps and how it draws' },
        capacity: { type: 'integer', minimum: 1, default: 10000, description: 'most items kept; the oldest is evicted first' },
        ratio: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.5, description: 'fraction of each batch drawn from the buffer' },
        priorityExponent: { type: 'number', minimum: 0, default: 1, description: 'α of prioritized replay: P(i) ∝ R(x_i)^α' },
      },
    },
    localSearch: LOCAL_SEARCH_SCHEMA,
    evaluation: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        mode: { enum: ['auto', 'exact', 'sampled', 'none'], default: 'auto', description: 'exact (enumerable environments up to exactMaxStates states), sampled (any size), none; auto = exact when it can, sampled otherwise' },
        every: { type: 'integer', minimum: 0, default: 10, description: 'evaluate every k iterations and at the end; 0 = only at the end' },
        samples: { type: 'integer', minimum: 1, default: 1000, description: 'terminal states drawn from P_T per evaluation (exact: mode discovery; sampled: log Z estimates, top-k)' },
        exactMaxStates: { type: 'integer', minimum: 1, default: EXACT_MAX_STATES_DEFAULT, description: 'most states exact evaluation may enumerate; auto switches to sampled above it' },
        backwardSamples: { type: 'integer', minimum: 1, default: 10, description: 'sampled: backward trajectories K per state for the importance-sampled log p(x)' },
        maxTestStates: { type: 'integer', minimum: 2, default: 256, description: 'sampled: test-set states (and fresh samples) whose log p(x) is estimated, at most' },
        topK: { type: 'integer', minimum: 1, default: 100, description: 'sampled: the k best samples for top-k mean reward and diversity' },
        atStart: { type: 'boolean', default: true, description: 'also evaluate before the first update (iteration 0)' },
      },
    },
    logging: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        dir: { type: 'string', minLength: 1, default: 'runs' },
        every: { type: 'integer', minimum: 1, default: 50, description: 'plain progress line every k iterations when not on a TTY' },
        progress: { enum: ['auto', 'bar', 'lines', 'none'], default: 'auto' },
        episodeWindow: { type: 'integer', minimum: 1, default: 100, description: 'episode-return mean and std are over the last N finished episodes (ppo, reinforce)' },
      },
    },
    checkpoint: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        every: { type: 'integer', minimum: 0, default: 100, description: 'write runs/<name>/checkpoint.json every k iterations and at the end; 0 = only at the end' },
      },
    },
    plugins: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
  },
};
