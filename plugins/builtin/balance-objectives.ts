import { Type } from 'typebox';
import { DetailedBalance } from '../../algorithms/value-based/db.js';
import { SUBTB_WEIGHTINGS, SubTrajectoryBalance } from '../../algorithms/value-based/subtb.js';
import { TOKENS } from '../../core/di/tokens.js';
import { Defaulted } from '../../core/base/typed-schema.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { defineContribution } from '../../core/plugin/define-contribution.js';
import type { Resolver } from '../../core/plugin/plugin.js';
import { backwardPolicyOption, makeBackwardPolicy } from './backward-policy.js';
import { intrinsicOption, withIntrinsicReward } from './intrinsic.js';

/** The state-flow network log F(s) of the flow-based objectives (same kind as the policy). */
function stateFlow(resolve: Resolver): Estimator {
  const env = resolve.get(TOKENS.Environment);
  return resolve.get(TOKENS.EstimatorFactory)({ role: 'flow', inputDim: env.obsDim, outputDim: 1 });
}

const lr = Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'learning rate of P_F, P_B and log F' }), 1e-3);
const logRewardClip = Defaulted(Type.Number({ description: 'lower clip of log R' }), -12);

export const dbContribution = defineContribution({
  name: 'db',
  description: 'detailed balance with a state-flow network; backward "uniform" = DB-U, "learned" = DB-B',
  schema: Type.Object({
    backward: backwardPolicyOption,
    lr,
    clipLogReward: Defaulted(Type.Boolean({ description: 'clip log R in the exit term (the reference code does not)' }), false),
    logRewardClip,
    intrinsic: intrinsicOption,
  }),
  create: (options, resolve) =>
    withIntrinsicReward(
      new DetailedBalance(
        resolve.get(TOKENS.Environment),
        resolve.get(TOKENS.ForwardEstimator),
        makeBackwardPolicy(options.backward, resolve),
        stateFlow(resolve),
        options,
      ),
      options.intrinsic,
      resolve,
    ),
});

export const subtbContribution = defineContribution({
  name: 'subtb',
  description: 'sub-trajectory balance SubTB(λ) with a state-flow network; backward "uniform" = SubTB-U, "learned" = SubTB-B',
  schema: Type.Object({
    backward: backwardPolicyOption,
    lr,
    lambda: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'geometric weight λ^(length−1) of sub-trajectories' }), 0.99),
    weighting: Defaulted(
      Type.Enum(SUBTB_WEIGHTINGS, { description: 'geometric within each trajectory; tb = full trajectories only; db = single steps only' }),
      'geometric',
    ),
    logRewardClip,
    intrinsic: intrinsicOption,
  }),
  create: (options, resolve) =>
    withIntrinsicReward(
      new SubTrajectoryBalance(
        resolve.get(TOKENS.Environment),
        resolve.get(TOKENS.ForwardEstimator),
        makeBackwardPolicy(options.backward, resolve),
        stateFlow(resolve),
        options,
      ),
      options.intrinsic,
      resolve,
    ),
});
