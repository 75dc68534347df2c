import { filter, type Subscription } from 'rxjs';
import type { Environment } from '../env/environment.js';
import { isEnumerable } from '../env/environment.js';
import type { Estimator } from '../estimator.js';
import type { EventBus } from '../events/bus.js';
import type { Objective } from '../objective.js';
import { ExactTerminatingDistribution } from './exact.js';
import { jensenShannon, totalVariation } from './metrics.js';

/**
 * Evaluates the forward policy every `every` iterations and after the last one, publishing on
 * `evaluation$`: exact TV and JSD between P_T and R/Z, |log Ẑ − log Z| when the objective learns
 * log Z. Environments that cannot be enumerated are skipped here (sample-based evaluation is the
 * job of their own evaluator).
 */
export function attachExactEvaluation(
  bus: EventBus,
  env: Environment,
  forward: Estimator,
  objective: Objective,
  every: number,
  totalIterations: number,
): Subscription | undefined {
  if (!isEnumerable(env)) return undefined;
  const exact = new ExactTerminatingDistribution(env);
  const target = env.trueDistribution();
  const logZ = env.logPartition();
  return bus.iteration$
    .pipe(filter(({ iteration }) => (every > 0 && (iteration + 1) % every === 0) || iteration + 1 === totalIterations))
    .subscribe(({ iteration }) => {
      const pT = exact.compute(forward);
      const metrics: Record<string, number> = { tv: totalVariation(pT, target), jsd: jensenShannon(pT, target) };
      const learned = objective.logZ?.();
      if (learned !== undefined) {
        metrics.logZ = learned;
        metrics.logZError = Math.abs(learned - logZ);
      }
      bus.evaluation$.next({ iteration, metrics, method: 'exact' });
    });
}
