import { Type } from 'typebox';
import { TOKENS } from '../../core/di/tokens.js';
import { Defaulted } from '../../core/base/typed-schema.js';
import { defineContribution } from '../../core/plugin/define-contribution.js';
import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { FlowMatching } from '../../algorithms/value-based/fm.js';
import { backwardPolicyOption, makeBackwardPolicy } from './backward-policy.js';
import { intrinsicOption, withIntrinsicReward } from './intrinsic.js';

/** Schema fragments shared by the GFlowNet objectives. */
export const commonObjectiveOptions = {
  lr: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'learning rate of P_F (and a learned P_B)' }), 1e-3),
  lrZ: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'learning rate of log Z' }), 0.1),
  logZInit: Defaulted(
    Type.Union([Type.Number(), Type.Enum(['auto'])], {
      description:
        'initial log Z: a number, or "auto" = the log-mean-exp of log R − log P_F + log P_B over the first batch under the untrained policy, set before the first step',
    }),
    'auto',
  ),
  logRewardClip: Defaulted(Type.Number({ description: 'log R is clipped below at this value in training' }), -12),
};

export const tbContribution = defineContribution({
  name: 'tb',
  description: 'trajectory balance; backward "uniform" = TB-U, "learned" = TB-B, "shared" = TB-B on P_F\'s trunk',
  schema: Type.Object({
    backward: backwardPolicyOption,
    ...commonObjectiveOptions,
    intrinsic: intrinsicOption,
  }),
  create: (options, resolve) =>
    withIntrinsicReward(
      new TrajectoryBalance(resolve.get(TOKENS.Environment), resolve.get(TOKENS.ForwardEstimator), makeBackwardPolicy(options.backward, resolve), options, () =>
        resolve.get(TOKENS.Rng),
      ),
      options.intrinsic,
      resolve,
    ),
});

/** Flow matching; it has no backward policy and no log Z (the flows are the model). */
export const fmContribution = defineContribution({
  name: 'fm',
  description: "flow matching: the forward network outputs log edge flows log F(s → s'), P_F ∝ F (small discrete environments)",
  schema: Type.Object({
    lr: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'learning rate of the edge-flow network' }), 1e-3),
    logRewardClip: Defaulted(Type.Number({ description: 'log R is clipped below at this value in training' }), -12),
  }),
  create: (options, resolve) => new FlowMatching(resolve.get(TOKENS.Environment), resolve.get(TOKENS.ForwardEstimator), options),
});
