import { Ppo, type PpoOptions } from '../../algorithms/baselines/ppo.js';
import { Reinforce, type ReinforceOptions } from '../../algorithms/baselines/reinforce.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { GymEnvFactory } from '../../core/gym/gym-env.js';
import { boxSize } from '../../core/gym/spaces.js';
import type { ObjectiveTraits, SelfCollectingObjective } from '../../core/objectives/objective.js';
import type { JsonSchema, ObjectiveContribution, Resolver } from '../../core/plugin/plugin.js';
import { Rng } from '../../core/base/rng.js';
import { ACTIVATIONS, type Activation } from '../../core/tensor/dense.js';

/** Offsets of the baselines' random streams from the run seed (arbitrary odd constants). */
const PPO_STREAM = 0x2545f491;
const REINFORCE_STREAM = 0x68e31da5;

interface ValueNetOptions {
  value: { hidden: number[]; activation: Activation };
}

const valueNetOption: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [64, 64], description: 'value network hidden widths' },
    activation: { enum: [...ACTIVATIONS], default: 'tanh', description: 'value network activation' },
  },
};

const gammaOption: JsonSchema = {
  type: 'number',
  minimum: 0,
  maximum: 1,
  description: 'discount γ (default: 0.99 on classic environments; 1 on GFlowNet environments, whose only reward is log R(x) at exit — discounting would favour short trajectories)',
};

/** What both baselines need from the container: environment, policy (the forward estimator), a value network, a random stream. */
function baselineParts(resolve: Resolver, value: ValueNetOptions['value'], stream: number): { env: GymEnvFactory; policy: Estimator; value: Estimator; rng: Rng; seed: number; gamma: number } {
  const config = resolve.get(TOKENS.Config);
  const env = resolve.get(TOKENS.GymEnvFactory);
  const policy = resolve.get(TOKENS.ForwardEstimator);
  const valueNet = resolve.get(TOKENS.EstimatorFactory)({ role: 'value', inputDim: boxSize(env.observationSpace), outputDim: 1, overrides: { hidden: value.hidden, activation: value.activation } });
  return { env, policy, value: valueNet, rng: new Rng(config.seed + stream), seed: config.seed, gamma: env.gflownet ? 1 : 0.99 };
}

/** Both collect their own experience with the current policy: exploration and replay settings are refused. */
const BASELINE_TRAITS: ObjectiveTraits = { collectsOwnExperience: true, onPolicy: true };

type PpoConfig = Omit<PpoOptions, 'gamma'> & { gamma?: number } & ValueNetOptions;

export const ppoContribution: ObjectiveContribution<SelfCollectingObjective, PpoConfig> = {
  name: 'ppo',
  description: 'PPO (clipped surrogate, GAE, minibatch epochs), Stable-Baselines3 defaults; collects its own experience (classic environments, or GFlowNet ones through the Gym adapter with reward log R at exit)',
  schema: {
    properties: {
      lr: { type: 'number', exclusiveMinimum: 0, default: 3e-4, description: 'Adam learning rate of policy and value networks' },
      nSteps: { type: 'integer', minimum: 1, default: 2048, description: 'steps per environment copy per iteration' },
      nEnvs: { type: 'integer', minimum: 1, default: 1, description: 'environment copies stepped together' },
      minibatchSize: { type: 'integer', minimum: 1, default: 64, description: 'steps per minibatch' },
      epochs: { type: 'integer', minimum: 1, default: 10, description: 'passes over each rollout' },
      gamma: gammaOption,
      lambda: { type: 'number', minimum: 0, maximum: 1, default: 0.95, description: 'GAE λ' },
      clipRange: { type: 'number', exclusiveMinimum: 0, default: 0.2, description: 'ε of the clipped surrogate' },
      vfCoef: { type: 'number', minimum: 0, default: 0.5, description: 'weight of the value loss' },
      entCoef: { type: 'number', minimum: 0, default: 0, description: 'weight of the entropy bonus' },
      maxGradNorm: { type: 'number', exclusiveMinimum: 0, default: 0.5, description: 'global gradient-norm limit' },
      normalizeAdvantages: { type: 'boolean', default: true, description: 'normalise advantages per minibatch' },
      adamEpsilon: { type: 'number', exclusiveMinimum: 0, default: 1e-5, description: 'Adam ε' },
      value: valueNetOption,
    },
  },
  traits: () => BASELINE_TRAITS,
  create: (options, resolve) => {
    const { gamma, ...parts } = baselineParts(resolve, options.value, PPO_STREAM);
    return new Ppo(parts, { ...options, gamma: options.gamma ?? gamma });
  },
};

type ReinforceConfig = Omit<ReinforceOptions, 'gamma' | 'episodes'> & { gamma?: number; episodes?: number } & ValueNetOptions;

export const reinforceContribution: ObjectiveContribution<SelfCollectingObjective, ReinforceConfig> = {
  name: 'reinforce',
  description: 'REINFORCE with a learned baseline: complete episodes per iteration, one Adam step; collects its own experience',
  schema: {
    properties: {
      lr: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'Adam learning rate of the policy' },
      lrV: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'Adam learning rate of the baseline' },
      episodes: { type: 'integer', minimum: 1, description: 'complete episodes per iteration (default: batchSize)' },
      gamma: gammaOption,
      vfCoef: { type: 'number', minimum: 0, default: 0.5, description: 'weight of the baseline loss' },
      maxEpisodeSteps: { type: 'integer', minimum: 1, default: 100000, description: 'longest episode accepted (guard against environments that never end)' },
      value: valueNetOption,
    },
  },
  traits: () => BASELINE_TRAITS,
  create: (options, resolve) => {
    const { gamma, ...parts } = baselineParts(resolve, options.value, REINFORCE_STREAM);
    const episodes = options.episodes ?? resolve.get(TOKENS.Config).batchSize;
    return new Reinforce(parts, { ...options, gamma: options.gamma ?? gamma, episodes });
  },
};
