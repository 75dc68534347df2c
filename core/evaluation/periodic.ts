import { filter, type Subscription } from 'rxjs';
import type { Environment } from '../env/environment.js';
import { hasExactMetrics, hasModes, isEnumerable } from '../env/environment.js';
import type { Estimator } from '../estimator.js';
import type { EventBus } from '../events/bus.js';
import type { AnyObjective } from '../objective.js';
import type { CheckpointRegistry } from '../checkpoint/registry.js';
import { Rng } from '../rng.js';
import { ExactTerminatingDistribution } from './exact.js';
import { jensenShannon, totalVariation } from './metrics.js';
import { ModeDiscovery, rewardRatio, sampleIndices } from './modes.js';

/** When and how much the periodic evaluator measures. */
export interface ExactEvaluationSchedule {
  /** Evaluate every k iterations (0 = only after the last one). */
  every: number;
  totalIterations: number;
  /** Also evaluate before the first update (iteration 0); never on a resumed run, whose log has it. */
  atStart: boolean;
  /** Terminal states drawn from P_T at each evaluation for mode discovery. */
  samples: number;
  /** Seed of the evaluator's own random stream (its draws never shift training's). */
  seed: number;
}

/**
 * Whether the periodic evaluation runs at iteration `iteration` (after that many updates): every
 * `every` iterations and at the last one. Iteration 0 (before any update) is `atStart`'s business.
 */
export function evaluatesAt(iteration: number, every: number, totalIterations: number): boolean {
  return iteration > 0 && ((every > 0 && iteration % every === 0) || iteration === totalIterations);
}

/**
 * Evaluates the forward policy every `every` iterations and after the last one (and before the
 * first update when `atStart`), publishing on
 * `evaluation$`: exact TV and JSD between P_T and R/Z, the mean reward under P_T relative to the
 * target's (`rewardRatio`), |log Ẑ − log Z| when the objective learns log Z, and for environments
 * that name their modes, the distinct modes among all evaluation samples so far (`modesFound`,
 * out of `modesTotal`), plus any task-specific metrics the environment computes from P_T
 * (`exactMetrics`, e.g. the DAG edge-marginal error). Environments that cannot be enumerated are
 * skipped here. With `checkpoints`, its random stream and the modes found so far are registered
 * there as `evaluator`, so that a resumed run reports the same numbers.
 */
export function attachExactEvaluation(
  bus: EventBus,
  env: Environment,
  forward: Estimator,
  objective: AnyObjective,
  schedule: ExactEvaluationSchedule,
  checkpoints?: CheckpointRegistry,
): Subscription | undefined {
  if (!isEnumerable(env)) return undefined;
  const exact = new ExactTerminatingDistribution(env);
  const target = env.trueDistribution();
  const logZ = env.logPartition();
  const modes = hasModes(env) ? new ModeDiscovery(env.stateIndex(env.modeStates()), env.nStates) : undefined;
  const rng = new Rng(schedule.seed ^ 0x5eed);
  checkpoints?.register('evaluator', {
    saveState: () => ({ rng: rng.getState(), ...(modes ? { modes: modes.saveState() } : {}) }),
    loadState: (state) => {
      rng.setState(state.rng as number[]);
      if (modes && state.modes) modes.loadState(state.modes as Record<string, unknown>);
    },
  });
  const { every, totalIterations } = schedule;
  const evaluate = (iteration: number): void => {
    const pT = exact.compute(forward);
    const metrics: Record<string, number> = { tv: totalVariation(pT, target), jsd: jensenShannon(pT, target), rewardRatio: rewardRatio(pT, target) };
    const learned = objective.logZ?.();
    if (learned !== undefined) {
      metrics.logZ = learned;
      metrics.logZError = Math.abs(learned - logZ);
    }
    if (hasExactMetrics(env)) Object.assign(metrics, env.exactMetrics(pT));
    if (modes) {
      metrics.modesFound = modes.record(sampleIndices(pT, schedule.samples, rng));
      metrics.modesTotal = modes.total;
    }
    bus.evaluation$.next({ iteration, metrics, method: 'exact' });
  };
  const subs = bus.iteration$.pipe(filter(({ iteration }) => evaluatesAt(iteration, every, totalIterations))).subscribe(({ iteration }) => evaluate(iteration));
  if (schedule.atStart) subs.add(bus.runStarted$.pipe(filter((e) => (e.startIteration ?? 0) === 0)).subscribe(() => evaluate(0)));
  return subs;
}
