import type { ResolvedConfig } from '../../core/config/schema.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/estimator.js';
import { attachExactEvaluation } from '../../core/evaluation/periodic.js';
import type { EventBus } from '../../core/events/bus.js';
import type { Objective } from '../../core/objective.js';
import type { SubscriberContribution } from '../../core/plugin.js';

export const exactEvaluatorSubscriber: SubscriberContribution = {
  name: 'exact-evaluator',
  description: 'exact TV / JSD / log Z error / reward ratio / modes found every evaluation.every iterations (enumerable environments)',
  attach: (resolve) => {
    const config = resolve.get<ResolvedConfig>(TOKENS.Config);
    return attachExactEvaluation(
      resolve.get<EventBus>(TOKENS.EventBus),
      resolve.get<Environment>(TOKENS.Environment),
      resolve.get<Estimator>(TOKENS.ForwardEstimator),
      resolve.get<Objective>(TOKENS.Objective),
      { every: config.evaluation.every, totalIterations: config.iterations, samples: config.evaluation.samples, seed: config.seed },
    );
  },
};
