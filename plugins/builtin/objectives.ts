import { TOKENS } from '../../core/di/tokens.js';
import type { Objective } from '../../core/objectives/objective.js';
import type { Contribution, JsonSchema } from '../../core/plugin/plugin.js';
import { type TbOptions, TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { type FmOptions, FlowMatching } from '../../algorithms/value-based/fm.js';
import { type BackwardPolicyKind, backwardPolicyOption, makeBackwardPolicy } from './backward-policy.js';
import { type IntrinsicConfig, intrinsicOption, withIntrinsicReward } from './intrinsic.js';

/** Schema fragments shared by the GFlowNet objectives. */
export const commonObjectiveOptions: Record<string, JsonSchema> = {
  lr: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'learning rate of P_F (and a learned P_B)' },
  lrZ: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'learning rate of log Z' },
  logZInit: {
    anyOf: [{ type: 'number' }, { enum: ['auto'] }],
    default: 'auto',
    description: 'initial log Z: a number, or "auto" = the log-mean-exp of log R − log P_F + log P_B over the first batch under the untrained policy, set before the first step',
  },
  logRewardClip: { type: 'number', default: -12, description: 'log R is clipped below at this value in training' },
};

export const tbContribution: Contribution<Objective, TbOptions & { backward: BackwardPolicyKind; intrinsic: IntrinsicConfig }> = {
  name: 'tb',
  description: 'trajectory balance; backward "uniform" = TB-U, "learned" = TB-B, "shared" = TB-B on P_F\'s trunk',
  schema: {
    properties: {
      backward: backwardPolicyOption,
      ...commonObjectiveOptions,
      intrinsic: intrinsicOption,
    },
  },
  create: (options, resolve) =>
    withIntrinsicReward(
      new TrajectoryBalance(resolve.get(TOKENS.Environment), resolve.get(TOKENS.ForwardEstimator), makeBackwardPolicy(options.backward, resolve), options),
      options.intrinsic,
      resolve,
    ),
};

/** Flow matching; it has no backward policy and no log Z (the flows are the model). */
export const fmContribution: Contribution<Objective, FmOptions> = {
  name: 'fm',
  description: 'flow matching: the forward network outputs log edge flows log F(s → s\'), P_F ∝ F (small discrete environments)',
  schema: {
    properties: {
      lr: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'learning rate of the edge-flow network' },
      logRewardClip: { type: 'number', default: -12, description: 'log R is clipped below at this value in training' },
    },
  },
  create: (options, resolve) => new FlowMatching(resolve.get(TOKENS.Environment), resolve.get(TOKENS.ForwardEstimator), options),
};
