import { Subscription } from 'rxjs';
import type { Tensor2D } from '#tensor-types';
import type { CheckpointRegistry } from '../checkpoint/registry.js';
import type { EvaluationConfig } from './config.js';
import type { EventBus, IterationEvent, TrajectoriesEvent } from '../events/bus.js';
import type { Estimator } from '../tensor/estimator.js';
import { type EvaluationMethod, evaluationDue } from './schedule.js';
import { WorkBudgetSchedule } from './work-budget.js';

/** `evaluation.every: "auto"` under exact evaluation: every this many iterations (the default before "auto"). */
export const EXACT_EVALUATION_EVERY = 10;

/** When a run's periodic evaluations are due, after the opening one (iteration 0, `atStart`'s business). */
export interface EvaluationTimetable {
  /** P_F as the evaluator must use it: counting the states it is sent where the timetable needs them, else P_F itself. */
  readonly forward: Estimator;
  /** True when an evaluation is due after the update of `event` (iteration ≥ 1). */
  due(event: Pick<IterationEvent, 'iteration' | 'environmentSteps'>): boolean;
  /** Tells the timetable that an evaluation (the opening one included) has just run. */
  evaluated(): void;
  /** What it subscribed to on the bus; ends with the evaluator. */
  readonly subscription: Subscription;
}

/**
 * The timetable of `evaluation.every`: an integer k is every k iterations and at the last
 * (`evaluationDue`, as ever); `"auto"` is every {@link EXACT_EVALUATION_EVERY} under exact
 * evaluation and, under sampled evaluation, the work-budget schedule ({@link WorkBudgetSchedule})
 * at `evaluation.budget`. Its work counts, in states sent through P_F:
 * - training, per iteration: every step of the trajectories sampled (the sampler's pass) plus
 *   every step of the batch trained on (the loss's pass) — 2 per step without replay or local
 *   search; for objectives that collect their own experience, 2 per environment step;
 * - an evaluation: the rows of every pass through P_F it made (its `predict` calls), P_B's not
 *   counted (as in training's count).
 * The counts are saved in `checkpoints` as `evaluationSchedule`, so a resumed run keeps the schedule.
 */
export function evaluationTimetable(
  bus: EventBus,
  forward: Estimator,
  method: EvaluationMethod,
  config: Pick<EvaluationConfig, 'every' | 'budget'> & { totalIterations: number },
  checkpoints?: CheckpointRegistry,
): EvaluationTimetable {
  const { every, totalIterations } = config;
  if (every !== 'auto' || method !== 'sampled') {
    const k = every === 'auto' ? EXACT_EVALUATION_EVERY : every;
    return { forward, due: (e) => evaluationDue(e.iteration, k, totalIterations), evaluated: () => undefined, subscription: new Subscription() };
  }
  const schedule = new WorkBudgetSchedule(config.budget, totalIterations);
  const counted = rowCounting(forward);
  // environment steps of self-collecting objectives arrive as a running total: counted from the last one seen
  let environmentSteps = 0;
  checkpoints?.register('evaluationSchedule', {
    saveState: () => ({ ...schedule.saveState(), environmentSteps }),
    loadState: (state) => {
      schedule.loadState(state);
      environmentSteps = Number(state.environmentSteps ?? 0);
    },
    // a checkpoint of a run whose `every` was an integer, resumed with "auto": the counts start here
    // (the next evaluation is due after the next update, and its cost spaces the ones after it)
    loadMissing: () => undefined,
  });
  const subscription = bus.trajectories$.subscribe((e: TrajectoriesEvent) => {
    let rows = e.batch.nSteps;
    for (const t of e.sampled ?? [e.batch]) rows += t.nSteps;
    schedule.trained(rows);
  });
  return {
    forward: counted.estimator,
    due: (e) => {
      if (e.environmentSteps !== undefined) {
        schedule.trained(2 * (e.environmentSteps - environmentSteps));
        environmentSteps = e.environmentSteps;
      }
      return schedule.due(e.iteration);
    },
    evaluated: () => schedule.evaluated(counted.take()),
    subscription,
  };
}

/**
 * `estimator` with the rows of its passes counted: the same object in every other respect (its
 * methods run on it, not on the wrapper), so an evaluator cannot tell the two apart.
 */
function rowCounting(estimator: Estimator): { estimator: Estimator; take(): number } {
  let rows = 0;
  const counted = (pass: (x: Tensor2D) => Tensor2D) => (x: Tensor2D) => {
    rows += x.shape[0];
    return pass(x);
  };
  const predict = counted((x) => estimator.predict(x));
  const apply = counted((x) => estimator.apply(x));
  // every pass counts, whichever way its output is read (a sampler reads logits as values)
  const values = estimator.predictValues?.bind(estimator);
  const predictValues = values
    ? (x: Tensor2D): Float32Array => {
        rows += x.shape[0];
        return values(x);
      }
    : undefined;
  const wrapper = new Proxy(estimator, {
    get: (target, key) => {
      if (key === 'predict') return predict;
      if (key === 'apply') return apply;
      if (key === 'predictValues') return predictValues;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    estimator: wrapper,
    take: () => {
      const taken = rows;
      rows = 0;
      return taken;
    },
  };
}
