import type { CheckpointRegistry } from '../../core/checkpoint/registry.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { KernelsChoice } from '../../core/tensor/dense-chain.js';
import { attachEvaluation } from '../../core/evaluation/periodic.js';
import type { EventBus } from '../../core/events/bus.js';
import type { GymEnvFactory } from '../../core/gym/gym-env.js';
import type { AnyObjective } from '../../core/objectives/objective.js';
import type { SubscriberContribution } from '../../core/plugin/plugin.js';

export const evaluatorSubscriber: SubscriberContribution = {
  name: 'evaluator',
  description: 'every evaluation.every iterations, at the end and (atStart) before the first update: exact TV / JSD / log Z error / modes (enumerable environments up to evaluation.exactMaxStates states) or sampled log p(x) correlations, ELBO / IS log Z / ESS, modes over the run, top-k (any size); evaluation.mode picks',
  attach: (resolve) => {
    const config = resolve.get<ResolvedConfig>(TOKENS.Config);
    // classic environments (CartPole) have no evaluation
    if (!resolve.get<GymEnvFactory>(TOKENS.GymEnvFactory).gflownet) return undefined;
    const { evaluation: engine } = resolve.get<KernelsChoice>(TOKENS.Kernels);
    return attachEvaluation(
      resolve.get<EventBus>(TOKENS.EventBus),
      // the true reward, also when training sees a noisy one (rewardNoise)
      resolve.get<Environment>(TOKENS.EvaluationEnvironment),
      resolve.get<Estimator>(TOKENS.ForwardEstimator),
      resolve.get<AnyObjective>(TOKENS.Objective),
      { ...config.evaluation, totalIterations: config.iterations, seed: config.seed, trainingRewardsNoisy: config.rewardNoise !== undefined, ...(engine ? { engine } : {}) },
      resolve.get<CheckpointRegistry>(TOKENS.Checkpoints),
    );
  },
};
