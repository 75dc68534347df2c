import { TOKENS } from '../../core/di/tokens.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import type { Resolver } from '../../core/plugin/plugin.js';
import { Type } from 'typebox';
import { Defaulted } from '../../core/base/typed-schema.js';

/** Backward-policy choices of the value-based objectives. */
export const BACKWARD_POLICIES = ['uniform', 'learned', 'shared'] as const;
export type BackwardPolicyKind = (typeof BACKWARD_POLICIES)[number];

/** The `backward` option of every objective that uses P_B. */
export const backwardPolicyOption = Defaulted(
  Type.Enum(BACKWARD_POLICIES, { description: 'P_B: uniform over parents (-U), a learned separate network (-B), or learned on a trunk shared with P_F' }),
  'uniform',
);

/** The backward policy an objective's `backward` option names. */
export function makeBackwardPolicy(kind: BackwardPolicyKind, resolve: Resolver): BackwardPolicy {
  const env = resolve.get(TOKENS.Environment);
  if (kind === 'uniform') return new UniformBackwardPolicy(env);
  if (kind === 'shared') {
    const forward = resolve.get(TOKENS.ForwardEstimator);
    if (!forward.withSharedTrunk) throw new Error("backward 'shared' needs an estimator whose trunk can be shared (the 'mlp' and 'transformer' estimators)");
    return new LearnedBackwardPolicy(env, forward.withSharedTrunk(env.nActions - 1, resolve.get(TOKENS.Rng), 'backward'));
  }
  const estimator = resolve.get(TOKENS.EstimatorFactory)({ role: 'backward', inputDim: env.obsDim, outputDim: env.nActions - 1 });
  return new LearnedBackwardPolicy(env, estimator);
}
