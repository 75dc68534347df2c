import type { CheckpointRegistry } from '../../core/checkpoint/registry.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Estimator } from '../../core/estimator.js';
import { attachExactEvaluation } from '../../core/evaluation/periodic.js';
import type { EventBus } from '../../core/events/bus.js';
import type { GymEnvFactory } from '../../core/gym/gym-env.js';
import type { AnyObjective } from '../../core/objective.js';
import type { SubscriberContribution } from '../../core/plugin.js';

export const exactEvaluatorSubscriber: SubscriberContribution = {
  name: 'exact-evaluator',
  description: 'exact TV / JSD / log Z error / reward ratio / modes found every evaluation.every iterations, at the end and before the first update (enumerable environments)',
  attach: (resolve) => {
    const config = resolve.get<ResolvedConfig>(TOKENS.Config);
    // the GFlowNet environment behind the Gym view; classic environments (CartPole) have no exact evaluation
    const env = resolve.get<GymEnvFactory>(TOKENS.GymEnvFactory).gflownet;
    if (!env) return undefined;
    return attachExactEvaluation(
      resolve.get<EventBus>(TOKENS.EventBus),
      env,
      resolve.get<Estimator>(TOKENS.ForwardEstimator),
      resolve.get<AnyObjective>(TOKENS.Objective),
      { every: config.evaluation.every, atStart: config.evaluation.atStart, totalIterations: config.iterations, samples: config.evaluation.samples, seed: config.seed },
      resolve.get<CheckpointRegistry>(TOKENS.Checkpoints),
    );
  },
};
