import type { Environment } from '../env/environment.js';
import { rewardUrlProblem } from '../env/http-reward-source.js';
import { evaluationModeProblems } from '../evaluation/schedule.js';
import { type GymEnvFactory, isGymEnvFactory } from '../gym/gym-env.js';
import type { ObjectiveTraits } from '../objectives/objective.js';
import type { PluginRegistry } from '../plugin/plugin.js';
import { isExploratory, scheduleProblems } from '../sampling/exploration.js';
import { localSearchProblems } from '../sampling/local-search-config.js';
import { replayCount } from '../sampling/replay.js';
import { engineProblems } from '../tensor/engines.js';
import { memoryProblems } from './memory-rule.js';
import { pipelineProblems } from './pipeline-rule.js';
import { conditionRuleProblems } from './condition-rule.js';
import type { ResolvedConfig } from './schema.js';

/** What a rule may look at besides the config. */
export interface RuleContext {
  registry: PluginRegistry;
  /** The environment, when the preflight built it; rules that need it are skipped without it. */
  environment?: Environment | GymEnvFactory;
}

/**
 * A rule across the fields of a config that the schema cannot express. It runs on a config whose
 * fields in `reads` passed the schema (so it may trust their types), and returns its problems as
 * `field "<path>" = value: reason; valid choices`.
 */
export interface ConfigRule {
  /** The top-level fields (and sections) it reads: a schema problem in one of them skips the rule. */
  reads: ReadonlyArray<keyof ResolvedConfig>;
  check(config: ResolvedConfig, context: RuleContext): string[];
}

/** The objective's declared traits under its options (none for an objective that declares none). */
function traitsOf(config: ResolvedConfig, registry: PluginRegistry): ObjectiveTraits {
  return registry.objectives.get(config.objective.name)?.traits?.(config.objective) ?? {};
}

const isClassic = (config: ResolvedConfig, registry: PluginRegistry): boolean => registry.classicEnvs.has(config.env.name);

/** What the objective's traits forbid elsewhere in the config. */
function objectiveTraitProblems(config: ResolvedConfig, { registry }: RuleContext): string[] {
  const name = config.objective.name;
  const traits = traitsOf(config, registry);
  const problems: string[] = [];
  if (isClassic(config, registry) && !traits.collectsOwnExperience) {
    problems.push(
      `field "objective.name" = ${JSON.stringify(name)}: objective '${name}' needs a GFlowNet environment, and '${config.env.name}' is a classic (Gym) one; use an objective that collects its own experience (ppo, reinforce)`,
    );
  }
  if (traits.keepsOwnReplay && config.replay.kind !== 'none') {
    problems.push(
      `field "replay.kind" = ${JSON.stringify(config.replay.kind)}: objective '${name}' keeps its own replay buffer; valid choice: "none" (size it with the objective's own options)`,
    );
  }
  if (!traits.onPolicy) return problems;
  // an on-policy gradient is only unbiased for trajectories from the current P_F itself
  const { epsilon, epsilonFinal, epsilonDecayIterations, temperature } = config.sampler;
  if (isExploratory(config.sampler) && !traits.correctsExploration) {
    const schedule =
      epsilonDecayIterations > 0
        ? `epsilon ${epsilon} → epsilonFinal ${epsilonFinal ?? epsilon} over ${epsilonDecayIterations} iterations`
        : `epsilon ${epsilon}`;
    const [field, value] = temperature !== 1 ? ['temperature', temperature] : epsilon > 0 ? ['epsilon', epsilon] : ['epsilonFinal', epsilonFinal];
    problems.push(
      `field "sampler.${field}" = ${value}: objective '${name}' is on-policy: sampler.epsilon (and sampler.epsilonFinal) must be 0 and sampler.temperature 1 (got ${schedule}, temperature ${temperature}), unless the objective corrects for exploration (rl: importanceWeights true)`,
    );
  }
  if (config.replay.kind !== 'none') {
    problems.push(
      `field "replay.kind" = ${JSON.stringify(config.replay.kind)}: objective '${name}' is on-policy and cannot train on replayed trajectories; valid choice: "none"`,
    );
  }
  if (config.localSearch.share > 0 && !traits.acceptsLocalSearch) {
    problems.push(
      `field "localSearch.share" = ${config.localSearch.share}: objective '${name}' is on-policy and cannot train on locally searched trajectories (they are not samples of P_F); valid choice: 0 (rl with evaluator "subeb" accepts them)`,
    );
  }
  return problems;
}

/** A replay buffer too small for the share of each batch it must supply never starts replaying. */
function replayCapacityProblems(config: ResolvedConfig): string[] {
  const { replay, batchSize } = config;
  const nReplay = replayCount(replay, batchSize);
  if (replay.kind === 'none' || replay.capacity >= nReplay) return [];
  return [
    `field "replay.capacity" = ${replay.capacity}: smaller than the ${nReplay} trajectories replayed per batch (round(replay.ratio ${replay.ratio} x batchSize ${batchSize})), so replay would never start`,
  ];
}

/** Reward noise is defined on a GFlowNet environment's terminal reward. */
function rewardNoiseProblems(config: ResolvedConfig, { registry }: RuleContext): string[] {
  if (!config.rewardNoise || !isClassic(config, registry)) return [];
  return [
    `field "rewardNoise" = ${JSON.stringify(config.rewardNoise)}: environment '${config.env.name}' is a classic (Gym) one with per-step rewards; rewardNoise applies to GFlowNet environments only (remove the field)`,
  ];
}

/**
 * A reward service replaces a GFlowNet environment's terminal reward, which the sampler and the
 * local search await (`rewardBatch`). Refused where the reward is read synchronously instead: on a
 * classic environment, and by objectives that collect their own experience through the Gym view
 * or read rewards of states themselves (docs/rewards.md, "Training against a service").
 */
function remoteRewardProblems(config: ResolvedConfig, { registry }: RuleContext): string[] {
  if (!config.reward) return [];
  if (isClassic(config, registry)) {
    return [
      `field "reward" = ${JSON.stringify(config.reward)}: environment '${config.env.name}' is a classic (Gym) one with per-step rewards; a reward service serves GFlowNet environments' terminal rewards only (remove the field)`,
    ];
  }
  const url = rewardUrlProblem(config.reward.url);
  const problems = url ? [url] : [];
  const name = config.objective.name;
  const traits = traitsOf(config, registry);
  const why = traits.collectsOwnExperience
    ? 'collects its own experience through the Gym view, which reads each reward synchronously'
    : traits.readsStateRewards
      ? 'reads the reward of the states it trains on itself, synchronously'
      : undefined;
  if (why) {
    problems.push(
      `field "objective.name" = ${JSON.stringify(name)}: objective '${name}' ${why}, and the reward service of field "reward" is awaited; valid choices with "reward": the batch objectives (tb, db, subtb, fm, rl), or remove "reward"`,
    );
  }
  return problems;
}

/** `evaluation.mode` against the environment's size: needs the environment (classic ones are not evaluated). */
function evaluationProblems(config: ResolvedConfig, { environment }: RuleContext): string[] {
  if (!environment || isGymEnvFactory(environment)) return [];
  return evaluationModeProblems(environment, config.evaluation);
}

/** Every rule across fields, in the order their problems are reported. */
export const CONFIG_RULES: readonly ConfigRule[] = [
  { reads: ['sampler'], check: (config) => scheduleProblems(config.sampler) },
  { reads: ['localSearch', 'batchSize', 'replay'], check: (config) => localSearchProblems(config.localSearch, config.batchSize, config.replay) },
  { reads: ['objective', 'env', 'sampler', 'replay', 'localSearch'], check: objectiveTraitProblems },
  {
    reads: ['pipeline', 'actors', 'objective', 'env', 'localSearch', 'rewardNoise'],
    check: (config, { registry }) => pipelineProblems(config, registry, traitsOf(config, registry)),
  },
  {
    reads: ['condition', 'objective', 'env', 'reward', 'estimator'],
    check: (config, { registry, environment }) => conditionRuleProblems(config, registry, traitsOf(config, registry), environment),
  },
  { reads: ['replay', 'batchSize'], check: replayCapacityProblems },
  { reads: ['rewardNoise', 'env'], check: rewardNoiseProblems },
  { reads: ['reward', 'env', 'objective'], check: remoteRewardProblems },
  { reads: ['engine'], check: (config, { registry }) => engineProblems(config.engine, [...registry.engines.values()]) },
  { reads: ['evaluation', 'env'], check: evaluationProblems },
  { reads: ['evaluation', 'env', 'batchSize', 'replay', 'iterations'], check: memoryProblems },
];
