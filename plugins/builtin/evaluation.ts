import { TOKENS } from '../../core/di/tokens.js';
import { attachEvaluation } from '../../core/evaluation/periodic.js';
import type { SubscriberContribution } from '../../core/plugin/plugin.js';

export const evaluatorSubscriber: SubscriberContribution = {
  name: 'evaluator',
  description:
    'every evaluation.every iterations ("auto": every 10 exact, spaced by network work sampled), at the end and (atStart) before the first update: exact TV / JSD / log Z error / modes (enumerable environments up to evaluation.exactMaxStates states) or sampled log p(x) correlations, ELBO / IS log Z / ESS, modes over the run, top-k (any size); evaluation.mode picks',
  attach: (resolve) => {
    const config = resolve.get(TOKENS.Config);
    // classic environments (CartPole) have no evaluation
    if (!resolve.get(TOKENS.GymEnvFactory).gflownet) return undefined;
    const { evaluation: engine } = resolve.get(TOKENS.Kernels);
    return attachEvaluation(
      resolve.get(TOKENS.EventBus),
      // the true reward, also when training sees a noisy one (rewardNoise)
      resolve.get(TOKENS.EvaluationEnvironment),
      resolve.get(TOKENS.ForwardEstimator),
      resolve.get(TOKENS.Objective),
      {
        ...config.evaluation,
        totalIterations: config.iterations,
        seed: config.seed,
        trainingRewardsNoisy: config.rewardNoise !== undefined,
        ...(engine ? { engine } : {}),
      },
      resolve.get(TOKENS.Checkpoints),
    );
  },
};
