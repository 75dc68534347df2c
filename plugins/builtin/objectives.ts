import { TOKENS } from '../../core/di/tokens.js';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator, EstimatorFactory } from '../../core/estimator.js';
import type { Objective } from '../../core/objective.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import type { Contribution, JsonSchema, Resolver } from '../../core/plugin.js';
import { type TbOptions, TrajectoryBalance } from '../../algorithms/value-based/tb.js';

/** Schema fragments shared by the GFlowNet objectives. */
export const commonObjectiveOptions: Record<string, JsonSchema> = {
  lr: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'learning rate of P_F (and a learned P_B)' },
  lrZ: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'learning rate of log Z' },
  logZInit: { type: 'number', default: 0, description: 'initial log Z' },
  logRewardClip: { type: 'number', default: -12, description: 'log R is clipped below at this value in training' },
};

/** The backward policy an objective's `backward` option names. */
export function makeBackwardPolicy(kind: 'uniform' | 'learned', resolve: Resolver): BackwardPolicy {
  const env = resolve.get<Environment>(TOKENS.Environment);
  if (kind === 'uniform') return new UniformBackwardPolicy(env);
  const estimator = resolve.get<EstimatorFactory>(TOKENS.EstimatorFactory)({ role: 'backward', inputDim: env.obsDim, outputDim: env.nActions - 1 });
  return new LearnedBackwardPolicy(env, estimator);
}

export const tbContribution: Contribution<Objective, TbOptions & { backward: 'uniform' | 'learned' }> = {
  name: 'tb',
  description: 'trajectory balance; backward "uniform" = TB-U, "learned" = TB-B',
  schema: {
    properties: {
      backward: { enum: ['uniform', 'learned'], default: 'uniform', description: 'backward policy P_B' },
      ...commonObjectiveOptions,
    },
  },
  create: (options, resolve) =>
    new TrajectoryBalance(
      resolve.get<Environment>(TOKENS.Environment),
      resolve.get<Estimator>(TOKENS.ForwardEstimator),
      makeBackwardPolicy(options.backward, resolve),
      options,
    ),
};
