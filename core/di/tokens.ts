import { token } from '../base/token.js';
import type { CheckpointRegistry } from '../checkpoint/registry.js';
import type { Rng } from '../base/rng.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Environment } from '../env/environment.js';
import type { RewardClientStats } from '../env/reward-client.js';
import type { EventBus } from '../events/bus.js';
import type { GymEnvFactory } from '../gym/gym-env.js';
import type { AnyObjective } from '../objectives/objective.js';
import type { LocalSearch } from '../sampling/local-search.js';
import type { ReplayBuffer } from '../sampling/replay.js';
import type { Sampler } from '../sampling/sampler.js';
import type { ActorLink } from '../sampling/actor-link.js';
import type { KernelsChoice } from '../tensor/dense-chain.js';
import type { Estimator, EstimatorFactory } from '../tensor/estimator.js';
import type { TrainingLoop } from './training-loop.js';

export type { Token } from '../base/token.js';

/**
 * Dependency-injection tokens. Concrete classes are bound to these only in the container
 * assembly; everything else depends on the tokens and the contracts behind them. Each token is
 * typed with its service (`resolve.get(TOKENS.Sampler)` is a `Sampler`) and is, at runtime, the
 * symbol `gfn.<name>` of the global registry.
 */
export const TOKENS = {
  /** The resolved, validated run configuration ({@link ResolvedConfig}). */
  Config: token<ResolvedConfig>('gfn.Config'),
  /** Name of the active tensor backend (`tensorflow`, `wasm` or `cpu`). */
  BackendName: token<string>('gfn.BackendName'),
  /** The run's root random number generator ({@link Rng}). */
  Rng: token<Rng>('gfn.Rng'),
  /** The trainer's event streams ({@link EventBus}). */
  EventBus: token<EventBus>('gfn.EventBus'),
  /** The GFlowNet environment ({@link Environment}); resolving it fails with a clear message when the configured environment is a classic one. */
  Environment: token<Environment>('gfn.Environment'),
  /**
   * The environment behind the Gymnasium-style interface ({@link GymEnvFactory}): a classic
   * environment itself, or the adapter over the GFlowNet environment. Objectives that collect their
   * own experience use this.
   */
  GymEnvFactory: token<GymEnvFactory>('gfn.GymEnvFactory'),
  /**
   * The GFlowNet environment with its true reward ({@link Environment}): what evaluation and
   * sampling from a checkpoint measure against. The same object as `Environment` unless the config
   * sets `rewardNoise` or `reward`, in which case `Environment` (and the Gym view of it) is the view
   * training sees (a noisy reward; a reward service's, read with `rewardBatch`) and this one keeps
   * the environment's own `logReward`. Resolving it fails like `Environment` on a classic environment.
   */
  EvaluationEnvironment: token<Environment>('gfn.EvaluationEnvironment'),
  /**
   * The engines the config's `engine` section chose ({@link KernelsChoice}): training's kernels,
   * which estimator factories hand to the networks they build, and exact evaluation's engine.
   */
  Kernels: token<KernelsChoice>('gfn.Kernels'),
  /** Factory of estimators of the configured kind ({@link EstimatorFactory}). */
  EstimatorFactory: token<EstimatorFactory>('gfn.EstimatorFactory'),
  /** The forward-policy network P_F, shared by sampler, objective and evaluator ({@link Estimator}). */
  ForwardEstimator: token<Estimator>('gfn.ForwardEstimator'),
  /** Trajectory sampler ({@link Sampler}). */
  Sampler: token<Sampler>('gfn.Sampler'),
  /** The sampling actors the learner's fresh batches come from ({@link ActorLink}: worker threads); bound only with `actors` ≥ 1 or `pipeline: true`. */
  ActorLink: token<ActorLink>('gfn.ActorLink'),
  /** Replay buffer of off-policy training ({@link ReplayBuffer}); bound only when `replay.kind` is not `none`. */
  ReplayBuffer: token<ReplayBuffer>('gfn.ReplayBuffer'),
  /** Local search refining part of each batch ({@link LocalSearch}); bound only when `localSearch.share` > 0. */
  LocalSearch: token<LocalSearch>('gfn.LocalSearch'),
  /**
   * The counters of the run's reward-service client ({@link RewardClientStats}), read after each
   * iteration; bound only when the config has a `reward` section and the learner samples its own
   * batches (not with actors or `pipeline: true`, where the sampling threads call the service).
   */
  RewardStats: token<() => RewardClientStats>('gfn.RewardStats'),
  /** The training objective ({@link AnyObjective}: a batch objective or one that collects its own experience). */
  Objective: token<AnyObjective>('gfn.Objective'),
  /** Extra state holders a checkpoint includes, e.g. the evaluator's random stream ({@link CheckpointRegistry}). */
  Checkpoints: token<CheckpointRegistry>('gfn.Checkpoints'),
  /** The training loop ({@link TrainingLoop}, implemented by the trainer). */
  Trainer: token<TrainingLoop>('gfn.Trainer'),
} as const;
