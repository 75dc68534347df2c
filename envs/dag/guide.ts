import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { cappedExitGuide, GUIDE_EXIT_LOGIT_CAP } from '../../core/policy/capped-exit-guide.js';
import type { Guide } from '../../core/policy/guide.js';

export { GUIDE_EXIT_LOGIT_CAP };
/**
 * The RL-G guide on DAGs: P_F's masked log-softmax, except that in states whose log R is below
 * `logRewardThreshold` the exit logit is capped at log 1e−5 (min(exit logit, cap)). Every DAG may
 * terminate, so without the cap a backward policy trained towards P_F learns nothing about which
 * parents are worth passing through; with it, paths through graphs that score worse than the
 * threshold are steered away from stopping there, and P_B prefers parents from which P_F would
 * rather keep adding edges towards good graphs.
 */
export function createDagGuide(env: Environment, forward: Estimator, logRewardThreshold: number): Guide {
  return cappedExitGuide(env, forward, (logR) => logR < logRewardThreshold);
}
