import type { Checkpointable } from '../checkpoint/checkpointable.js';
import type { RunFinished } from '../events/bus.js';

/**
 * What `TOKENS.Trainer` resolves to: the run's training loop, seen from outside (the run, the
 * checkpoint writer, time budgets and early stopping). The trainer implements it one layer up;
 * its counters are part of a checkpoint.
 */
export interface TrainingLoop extends Checkpointable {
  /** Runs the configured iterations (or until {@link stop}); resolves with the run summary. */
  run(): Promise<RunFinished>;
  /** Asks the loop to stop after the current iteration: the run ends early, as finished (early stopping, time budgets). */
  stop(): void;
  /**
   * Asks the loop to stop after the current iteration because it was interrupted (`reason`, e.g.
   * `SIGTERM`): the run ends on `runStopped$` rather than `runFinished$`, to be resumed later.
   */
  interrupt(reason: string): void;
}
