import { Type } from 'typebox';
import { Ppo } from '../../algorithms/baselines/ppo.js';
import { Reinforce } from '../../algorithms/baselines/reinforce.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { GymEnvFactory } from '../../core/gym/gym-env.js';
import { boxSize } from '../../core/gym/spaces.js';
import type { ObjectiveTraits } from '../../core/objectives/objective.js';
import { defineObjective } from '../../core/plugin/define-contribution.js';
import type { Resolver } from '../../core/plugin/plugin.js';
import { Rng } from '../../core/base/rng.js';
import { Defaulted, type Resolved } from '../../core/base/typed-schema.js';
import { ACTIVATIONS } from '../../core/tensor/dense.js';

/** Offsets of the baselines' random streams from the run seed (arbitrary odd constants). */
const PPO_STREAM = 0x2545f491;
const REINFORCE_STREAM = 0x68e31da5;

const valueNetOption = Defaulted(
  Type.Object(
    {
      hidden: Defaulted(Type.Array(Type.Integer({ minimum: 1 }), { description: 'value network hidden widths' }), [64, 64]),
      activation: Defaulted(Type.Enum(ACTIVATIONS, { description: 'value network activation' }), 'tanh'),
    },
    { additionalProperties: false },
  ),
  {},
);

const gammaOption = Type.Optional(
  Type.Number({
    minimum: 0,
    maximum: 1,
    description:
      'discount γ (default: 0.99 on classic environments; 1 on GFlowNet environments, whose only reward is log R(x) at exit — discounting would favour short trajectories)',
  }),
);

/** What both baselines need from the container: environment, policy (the forward estimator), a value network, a random stream. */
function baselineParts(
  resolve: Resolver,
  value: Resolved<typeof valueNetOption>,
  stream: number,
): { env: GymEnvFactory; policy: Estimator; value: Estimator; rng: Rng; seed: number; gamma: number } {
  const config = resolve.get(TOKENS.Config);
  const env = resolve.get(TOKENS.GymEnvFactory);
  const policy = resolve.get(TOKENS.ForwardEstimator);
  const valueNet = resolve.get(TOKENS.EstimatorFactory)({
    role: 'value',
    inputDim: boxSize(env.observationSpace),
    outputDim: 1,
    overrides: { hidden: value.hidden, activation: value.activation },
  });
  return { env, policy, value: valueNet, rng: new Rng(config.seed + stream), seed: config.seed, gamma: env.gflownet ? 1 : 0.99 };
}

/** Both collect their own experience with the current policy: exploration and replay settings are refused. */
const BASELINE_TRAITS: ObjectiveTraits = { collectsOwnExperience: true, onPolicy: true };

export const ppoContribution = defineObjective({
  name: 'ppo',
  description:
    'PPO (clipped surrogate, GAE, minibatch epochs), Stable-Baselines3 defaults; collects its own experience (classic environments, or GFlowNet ones through the Gym adapter with reward log R at exit)',
  schema: Type.Object({
    lr: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Adam learning rate of policy and value networks' }), 3e-4),
    nSteps: Defaulted(Type.Integer({ minimum: 1, description: 'steps per environment copy per iteration' }), 2048),
    nEnvs: Defaulted(Type.Integer({ minimum: 1, description: 'environment copies stepped together' }), 1),
    minibatchSize: Defaulted(Type.Integer({ minimum: 1, description: 'steps per minibatch' }), 64),
    epochs: Defaulted(Type.Integer({ minimum: 1, description: 'passes over each rollout' }), 10),
    gamma: gammaOption,
    lambda: Defaulted(Type.Number({ minimum: 0, maximum: 1, description: 'GAE λ' }), 0.95),
    clipRange: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'ε of the clipped surrogate' }), 0.2),
    vfCoef: Defaulted(Type.Number({ minimum: 0, description: 'weight of the value loss' }), 0.5),
    entCoef: Defaulted(Type.Number({ minimum: 0, description: 'weight of the entropy bonus' }), 0),
    maxGradNorm: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'global gradient-norm limit' }), 0.5),
    normalizeAdvantages: Defaulted(Type.Boolean({ description: 'normalise advantages per minibatch' }), true),
    adamEpsilon: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Adam ε' }), 1e-5),
    value: valueNetOption,
  }),
  traits: () => BASELINE_TRAITS,
  create: (options, resolve) => {
    const { gamma, ...parts } = baselineParts(resolve, options.value, PPO_STREAM);
    return new Ppo(parts, { ...options, gamma: options.gamma ?? gamma });
  },
});

export const reinforceContribution = defineObjective({
  name: 'reinforce',
  description: 'REINFORCE with a learned baseline: complete episodes per iteration, one Adam step; collects its own experience',
  schema: Type.Object({
    lr: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Adam learning rate of the policy' }), 1e-3),
    lrV: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Adam learning rate of the baseline' }), 1e-3),
    episodes: Type.Optional(Type.Integer({ minimum: 1, description: 'complete episodes per iteration (default: batchSize)' })),
    gamma: gammaOption,
    vfCoef: Defaulted(Type.Number({ minimum: 0, description: 'weight of the baseline loss' }), 0.5),
    maxEpisodeSteps: Defaulted(Type.Integer({ minimum: 1, description: 'longest episode accepted (guard against environments that never end)' }), 100000),
    value: valueNetOption,
  }),
  traits: () => BASELINE_TRAITS,
  create: (options, resolve) => {
    const { gamma, ...parts } = baselineParts(resolve, options.value, REINFORCE_STREAM);
    const episodes = options.episodes ?? resolve.get(TOKENS.Config).batchSize;
    return new Reinforce(parts, { ...options, gamma: options.gamma ?? gamma, episodes });
  },
});
