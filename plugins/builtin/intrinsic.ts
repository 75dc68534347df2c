import { Type } from 'typebox';
import { IntrinsicRewardObjective } from '../../algorithms/exploration/intrinsic-reward.js';
import { RandomNetworkDistillation } from '../../algorithms/exploration/rnd.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Objective } from '../../core/objectives/objective.js';
import type { Resolver } from '../../core/plugin/plugin.js';
import { Defaulted, type Resolved } from '../../core/base/typed-schema.js';

/** Schema of the `intrinsic` option (weight 0 = off). */
export const intrinsicOption = Defaulted(
  Type.Object(
    {
      weight: Defaulted(Type.Number({ minimum: 0, description: 'β at iteration 0; 0 = no intrinsic reward' }), 0),
      decayIterations: Defaulted(Type.Integer({ minimum: 0, description: 'iterations over which β decays linearly to 0; 0 = constant' }), 0),
      hidden: Defaulted(Type.Array(Type.Integer({ minimum: 1 }), { description: 'hidden widths of the RND target and predictor' }), [64, 64]),
      outputDim: Defaulted(Type.Integer({ minimum: 1, description: 'RND embedding size' }), 16),
      lr: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'learning rate of the RND predictor' }), 1e-3),
    },
    { additionalProperties: false, description: 'GAFN-style intrinsic reward: edges earn weight · RND novelty of the state they reach' },
  ),
  {},
);

/** The `intrinsic` option of TB, DB and SubTB (the intrinsic-reward options and the RND networks'). */
export type IntrinsicConfig = Resolved<typeof intrinsicOption>;

/** `objective` itself, or wrapped in intrinsic-reward exploration when `intrinsic.weight` > 0. */
export function withIntrinsicReward(objective: Objective, intrinsic: IntrinsicConfig, resolve: Resolver): Objective {
  if (intrinsic.weight === 0) return objective;
  const env = resolve.get(TOKENS.Environment);
  const make = resolve.get(TOKENS.EstimatorFactory);
  const net = (role: string) => make({ role, inputDim: env.obsDim, outputDim: intrinsic.outputDim, overrides: { hidden: intrinsic.hidden } });
  const rnd = new RandomNetworkDistillation(env, net('rnd-target'), net('rnd-predictor'), intrinsic.lr);
  return new IntrinsicRewardObjective(env, objective, rnd, intrinsic);
}
