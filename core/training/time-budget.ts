import { Subscription } from 'rxjs';
import type { EventBus } from '../events/bus.js';

/** Options of {@link attachTimeBudget}. */
export interface TimeBudget {
  /** Wall-time budget of the run, in seconds from its start. */
  seconds: number;
  /**
   * Stop at the first evaluation after the deadline rather than at the first iteration, so that
   * the run's last point is evaluated. Only when the run evaluates periodically.
   */
  atEvaluation: boolean;
}

/**
 * A wall-time budget as a subscriber: once `seconds` have passed since `runStarted$`, it calls
 * `stop()` (the trainer's), which ends the run after the current iteration. The trainer itself knows
 * no budgets. Evaluation time counts towards the budget, like every other cost of the run.
 */
export function attachTimeBudget(bus: EventBus, stop: () => void, budget: TimeBudget): Subscription {
  const subs = new Subscription();
  let start = Number.NaN;
  const due = (): boolean => performance.now() - start >= budget.seconds * 1000;
  subs.add(bus.runStarted$.subscribe(() => (start = performance.now())));
  if (budget.atEvaluation) subs.add(bus.evaluation$.subscribe(() => due() && stop()));
  else subs.add(bus.iteration$.subscribe(() => due() && stop()));
  return subs;
}
