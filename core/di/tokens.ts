/**
 * Dependency-injection tokens. Concrete classes are bound to these only in the container
 * assembly; everything else depends on the tokens and the contracts behind them.
 */
export const TOKENS = {
  /** The resolved, validated run configuration ({@link ResolvedConfig}). */
  Config: Symbol.for('gfn.Config'),
  /** Name of the active tensor backend (`tensorflow`, `wasm` or `cpu`). */
  BackendName: Symbol.for('gfn.BackendName'),
  /** The run's root random number generator ({@link Rng}). */
  Rng: Symbol.for('gfn.Rng'),
  /** The trainer's event streams ({@link EventBus}). */
  EventBus: Symbol.for('gfn.EventBus'),
  /** The GFlowNet environment ({@link Environment}); resolving it fails with a clear message when the configured environment is a classic one. */
  Environment: Symbol.for('gfn.Environment'),
  /**
   * The environment behind the Gymnasium-style interface ({@link GymEnvFactory}): a classic
   * environment itself, or the adapter over the GFlowNet environment. Objectives that collect their
   * own experience use this.
   */
  GymEnvFactory: Symbol.for('gfn.GymEnvFactory'),
  /**
   * The GFlowNet environment with its true reward ({@link Environment}): what evaluation and
   * sampling from a checkpoint measure against. The same object as `Environment` unless the config
   * sets `rewardNoise`, in which case `Environment` (and the Gym view of it) is the noisy view
   * training sees. Resolving it fails like `Environment` on a classic environment.
   */
  EvaluationEnvironment: Symbol.for('gfn.EvaluationEnvironment'),
  /**
   * The engines the config's `engine` section chose ({@link KernelsChoice}): training's kernels,
   * which estimator factories hand to the networks they build, and exact evaluation's engine.
   */
  Kernels: Symbol.for('gfn.Kernels'),
  /** Factory of estimators of the configured kind ({@link EstimatorFactory}). */
  EstimatorFactory: Symbol.for('gfn.EstimatorFactory'),
  /** The forward-policy network P_F, shared by sampler, objective and evaluator ({@link Estimator}). */
  ForwardEstimator: Symbol.for('gfn.ForwardEstimator'),
  /** Trajectory sampler ({@link Sampler}). */
  Sampler: Symbol.for('gfn.Sampler'),
  /** Replay buffer of off-policy training ({@link ReplayBuffer}); bound only when `replay.kind` is not `none`. */
  ReplayBuffer: Symbol.for('gfn.ReplayBuffer'),
  /** Local search refining part of each batch ({@link LocalSearch}); bound only when `localSearch.share` > 0. */
  LocalSearch: Symbol.for('gfn.LocalSearch'),
  /** The training objective ({@link Objective}). */
  Objective: Symbol.for('gfn.Objective'),
  /** Extra state holders a checkpoint includes, e.g. the evaluator's random stream ({@link CheckpointRegistry}). */
  Checkpoints: Symbol.for('gfn.Checkpoints'),
  /** The training loop ({@link Trainer}). */
  Trainer: Symbol.for('gfn.Trainer'),
} as const;
