import { type IntrinsicRewardOptions, IntrinsicRewardObjective } from '../../algorithms/exploration/intrinsic-reward.js';
import { RandomNetworkDistillation } from '../../algorithms/exploration/rnd.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Objective } from '../../core/objectives/objective.js';
import type { JsonSchema, Resolver } from '../../core/plugin/plugin.js';

/** The `intrinsic` option of TB, DB and SubTB. */
export interface IntrinsicConfig extends IntrinsicRewardOptions {
  hidden: number[];
  outputDim: number;
  lr: number;
}

/** Schema of the `intrinsic` option (weight 0 = off). */
export const intrinsicOption: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'GAFN-style intrinsic reward: edges earn weight · RND novelty of the state they reach',
  properties: {
    weight: { type: 'number', minimum: 0, default: 0, description: 'β at iteration 0; 0 = no intrinsic reward' },
    decayIterations: { type: 'integer', minimum: 0, default: 0, description: 'iterations over which β decays linearly to 0; 0 = constant' },
    hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [64, 64], description: 'hidden widths of the RND target and predictor' },
    outputDim: { type: 'integer', minimum: 1, default: 16, description: 'RND embedding size' },
    lr: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'learning rate of the RND predictor' },
  },
};

/** `objective` itself, or wrapped in intrinsic-reward exploration when `intrinsic.weight` > 0. */
export function withIntrinsicReward(objective: Objective, intrinsic: IntrinsicConfig, resolve: Resolver): Objective {
  if (intrinsic.weight === 0) return objective;
  const env = resolve.get(TOKENS.Environment);
  const make = resolve.get(TOKENS.EstimatorFactory);
  const net = (role: string) => make({ role, inputDim: env.obsDim, outputDim: intrinsic.outputDim, overrides: { hidden: intrinsic.hidden } });
  const rnd = new RandomNetworkDistillation(env, net('rnd-target'), net('rnd-predictor'), intrinsic.lr);
  return new IntrinsicRewardObjective(env, objective, rnd, intrinsic);
}
