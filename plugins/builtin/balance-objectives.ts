import { type DbOptions, DetailedBalance } from '../../algorithms/value-based/db.js';
import { SUBTB_WEIGHTINGS, type SubTbOptions, SubTrajectoryBalance } from '../../algorithms/value-based/subtb.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Objective } from '../../core/objectives/objective.js';
import type { Contribution, Resolver } from '../../core/plugin/plugin.js';
import { type BackwardPolicyKind, backwardPolicyOption, makeBackwardPolicy } from './backward-policy.js';
import { type IntrinsicConfig, intrinsicOption, withIntrinsicReward } from './intrinsic.js';

/** The state-flow network log F(s) of the flow-based objectives (same kind as the policy). */
function stateFlow(resolve: Resolver): Estimator {
  const env = resolve.get(TOKENS.Environment);
  return resolve.get(TOKENS.EstimatorFactory)({ role: 'flow', inputDim: env.obsDim, outputDim: 1 });
}

const lr = { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'learning rate of P_F, P_B and log F' };
const logRewardClip = { type: 'number', default: -12, description: 'lower clip of log R' };

export const dbContribution: Contribution<Objective, DbOptions & { backward: BackwardPolicyKind; intrinsic: IntrinsicConfig }> = {
  name: 'db',
  description: 'detailed balance with a state-flow network; backward "uniform" = DB-U, "learned" = DB-B',
  schema: {
    properties: {
      backward: backwardPolicyOption,
      lr,
      clipLogReward: { type: 'boolean', default: false, description: 'clip log R in the exit term (the reference code does not)' },
      logRewardClip,
      intrinsic: intrinsicOption,
    },
  },
  create: (options, resolve) =>
    withIntrinsicReward(
      new DetailedBalance(resolve.get(TOKENS.Environment), resolve.get(TOKENS.ForwardEstimator), makeBackwardPolicy(options.backward, resolve), stateFlow(resolve), options),
      options.intrinsic,
      resolve,
    ),
};

export const subtbContribution: Contribution<Objective, SubTbOptions & { backward: BackwardPolicyKind; intrinsic: IntrinsicConfig }> = {
  name: 'subtb',
  description: 'sub-trajectory balance SubTB(λ) with a state-flow network; backward "uniform" = SubTB-U, "learned" = SubTB-B',
  schema: {
    properties: {
      backward: backwardPolicyOption,
      lr,
      lambda: { type: 'number', exclusiveMinimum: 0, default: 0.99, description: 'geometric weight λ^(length−1) of sub-trajectories' },
      weighting: { enum: [...SUBTB_WEIGHTINGS], default: 'geometric', description: 'geometric within each trajectory; tb = full trajectories only; db = single steps only' },
      logRewardClip,
      intrinsic: intrinsicOption,
    },
  },
  create: (options, resolve) =>
    withIntrinsicReward(
      new SubTrajectoryBalance(resolve.get(TOKENS.Environment), resolve.get(TOKENS.ForwardEstimator), makeBackwardPolicy(options.backward, resolve), stateFlow(resolve), options),
      options.intrinsic,
      resolve,
    ),
};
