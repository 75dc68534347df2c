/**
 * The public API of gflownet-ts (`import … from 'gflownet-ts'`): the contracts a plugin author
 * implements, the plugin API, the dependency-injection tokens, the building blocks objectives are
 * made of, and the entry points to train from a config.
 */
export type { Enumerable, Environment, WithModes } from '../core/env/environment.js';
export { batchSize, hasModes, isEnumerable } from '../core/env/environment.js';
export type { Estimator, EstimatorFactory, EstimatorRequest, Linearization } from '../core/estimator.js';
export type { Objective, TrainingBatch } from '../core/objective.js';
export type { Contribution, JsonSchema, OptionsSchema, Plugin, Resolver, SubscriberContribution } from '../core/plugin.js';
export { definePlugin, PluginRegistry } from '../core/plugin.js';
export { TOKENS } from '../core/di/tokens.js';
export type { Guide, GuideProvider } from '../core/policy/guide.js';
export { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../core/policy/backward.js';
export { forwardLogProbs } from '../core/policy/forward.js';
export { clippedLogRewards } from '../core/policy/log-reward.js';
export { Trajectories } from '../core/sampling/trajectories.js';
export { gatherTransitions, segmentMatrix, selectRows, type Transitions } from '../core/sampling/transitions.js';
export { Sampler } from '../core/sampling/sampler.js';
export { GroupedAdam, type ParamGroup } from '../core/tensor/adam.js';
export { Mlp } from '../core/tensor/mlp.js';
export { ownedVariable } from '../core/tensor/names.js';
export { readValues } from '../core/tensor/read.js';
export { Rng } from '../core/rng.js';
export type { EvaluationEvent, EventBus, IterationEvent, RunFinished, RunStarted } from '../core/events/bus.js';
export type { ResolvedConfig } from '../core/config/schema.js';
export { ConfigError, resolveConfig } from '../core/config/validate.js';
export { readRawConfig } from '../core/config/load.js';
export { train, type TrainOptions, type TrainResult } from '../core/training/run.js';
export { builtinPlugin } from './builtin/index.js';
