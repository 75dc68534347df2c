/**
 * The plugin author's kit (`import … from 'gflownet-ts/plugin'`, also part of `gflownet-ts`): the
 * contracts a plugin implements, the plugin API, the dependency-injection tokens, the building
 * blocks objectives are made of, and the entry points to train from a validated config. It imports
 * no Node-only module: what a plugin builds on it runs under Node and in browsers alike.
 */
export type { Enumerable, Environment, WithExactMetrics, WithModes } from '../core/env/environment.js';
export { batchSize, hasExactMetrics, hasModes, isEnumerable } from '../core/env/environment.js';
export type { EvaluationView, HeatmapsView, TableView, ViewSource, WithEvaluationView } from '../core/env/view.js';
export { evaluationViewOf, hasEvaluationView } from '../core/env/view.js';
export type {
  WithKnownLogPartition,
  WithModeRadius,
  WithModeThreshold,
  WithSampleMetrics,
  WithTerminalDistance,
  WithTestSet,
} from '../core/env/capabilities.js';
export { hasRewardBatch, rewardBatchOf, type RewardBatchSource, reuseKnownRewards, type WithRewardBatch } from '../core/env/reward-batch.js';
export type { LatencySummary } from '../core/env/latency-window.js';
export {
  checkRewardClientOptions,
  PermanentRewardError,
  RewardClient,
  type RewardClientOptions,
  type RewardClientStats,
  RewardServiceError,
} from '../core/env/reward-client.js';
export { HttpRewardSource } from '../core/env/http-reward-source.js';
export {
  REMOTE_REWARD_SCHEMA,
  type RemoteRewardConfig,
  type RemoteRewardEnvironment,
  type WithRewardStats,
  withRemoteReward,
} from '../core/env/remote-reward.js';
export type { RewardRequestBody, RewardResponseBody } from '../core/env/reward-wire.js';
// the tensor types the declarations name: self-contained ones by default, TensorFlow.js's own under
// the `gflownet-ts-tfjs` condition (core/base/tensor-types.ts, docs/package.md)
export type { DataType, NamedTensorMap, Rank, Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '#tensor-types';
export type { Estimator, EstimatorFactory, EstimatorRequest, Linearization, OutputGram, WorkEstimate } from '../core/tensor/estimator.js';
// where a conditioned observation carries its condition, for an estimator that declares `film: true`
export { type ObservationCondition, observationConditionOf, type WithObservationCondition } from '../core/env/condition/observation-condition.js';
export type {
  AnyObjective,
  CollectedExperience,
  Objective,
  ObjectiveTraits,
  SelfCollectedIteration,
  SelfCollectingObjective,
  TrainingBatch,
} from '../core/objectives/objective.js';
export { collectsOwnExperience } from '../core/objectives/objective.js';
export type { GymEnv, GymEnvFactory, Info, ResetOptions, StepResult } from '../core/gym/gym-env.js';
export { isGymEnvFactory } from '../core/gym/gym-env.js';
export { type Box, box, boxSize, contains, type Discrete, discrete, type Space } from '../core/gym/spaces.js';
export { VectorEnv, type VectorStepResult } from '../core/gym/vector-env.js';
export { GFlowNetGymEnv, gymEnvFactoryOf } from '../core/gym/gflownet-adapter.js';
export { evaluatePolicy, type PolicyEvaluationOptions } from '../core/gym/evaluate-policy.js';
export type {
  Contribution,
  JsonSchema,
  ObjectiveContribution,
  OptionProblem,
  OptionsSchema,
  Plugin,
  Resolver,
  SubscriberContribution,
  ValidationContext,
} from '../core/plugin/plugin.js';
export { definePlugin, PluginRegistry } from '../core/plugin/plugin.js';
export { defineContribution, defineObjective, type WithSchema } from '../core/plugin/define-contribution.js';
export { Defaulted, type Resolved, type TDefaulted } from '../core/base/typed-schema.js';
export { type Token, TOKENS } from '../core/di/tokens.js';
export type { TrainingLoop } from '../core/di/training-loop.js';
export type { RunContainer } from '../core/run/run-container.js';
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
export { Rng } from '../core/base/rng.js';
export type { EvaluationEvent, EventBus, IterationEvent, RunFinished, RunStarted, RunStopped } from '../core/events/bus.js';
export { type FailureContext, failureContext } from '../core/events/failure.js';
export type { ResolvedConfig } from '../core/config/schema.js';
export { ConfigError } from '../core/base/errors.js';
export { resolveConfig } from '../core/config/validate.js';
export { type Preflight, preflight } from '../core/config/preflight.js';
export { train, type TrainOptions, type TrainResult } from '../core/run/run.js';
export { suppressedErrors } from '../core/run/teardown.js';
export type { Checkpointable, StateRecord } from '../core/checkpoint/checkpointable.js';
export type { ObjectiveStateParts } from '../core/objectives/objective.js';
export type { CheckpointDocument } from '../core/training/run-state.js';
export type { CheckpointEvent } from '../core/events/bus.js';
export { CheckpointRegistry } from '../core/checkpoint/registry.js';
export type { MlpShape } from '../core/tensor/mlp.js';
export type { Dense } from '../core/tensor/dense.js';
export type {
  ChainRunner,
  ChainRunnerOptions,
  DenseChainGradients,
  DenseChainKernels,
  DenseChainValues,
  DenseKernelsOptions,
  DenseLayerValues,
  Engine,
  EvaluationEngine,
  KernelsChoice,
} from '../core/tensor/dense-chain.js';
export type { EngineConfig } from '../core/tensor/engines.js';
export type { Section } from '../core/config/schema.js';
export type { ReplayConfig, ReplayKind } from '../core/sampling/replay.js';
export type { ExplorationSchedule } from '../core/sampling/exploration.js';
export type { ExplorationOptions } from '../core/policy/categorical.js';
export type { FileAccess } from '../core/base/file-access.js';
export { ExactTerminatingDistribution } from '../core/evaluation/exact.js';
export { parseRawConfig } from '../core/config/load.js';
export { builtinContributions } from './builtin/contributions.js';
export { evaluatorSubscriber } from './builtin/evaluation.js';
export { BACKEND_CHOICES, type BackendChoice, type BackendName, selectBackend, type TensorHost } from '../core/tensor/backend.js';
// conformance kit: the invariants the framework relies on, checked by name (checkObjective, which
// builds an objective from a config, is in the Node entry)
export { checkEnvironment, type EnvironmentCheckOptions } from '../core/conformance/environment.js';
export { checkObjectiveUpdates, type ObjectiveUpdateInputs } from '../core/conformance/objective.js';
export { assertConforms, type ConformanceFailure, type ConformanceReport, formatReport } from '../core/conformance/report.js';
