import type { ReplaySubject, Subject } from 'rxjs';
import { attributedBus } from './attributed-bus.js';
import { RunFailures, RunReplaySubject, RunSubject, synchronously } from './run-subjects.js';
import type { EvaluationView } from '../env/view.js';
import type { ActorStats } from '../sampling/actor-stats.js';
import type { Trajectories } from '../sampling/trajectories.js';

/** Published once when training starts. */
export interface RunStarted {
  runName: string;
  backend: string;
  /** Where the networks' passes run: `backend` (the tensor backend) or the kernels' engine (config field `kernels`). */
  kernels: string;
  iterations: number;
  config: Readonly<Record<string, unknown>>;
  /** Iterations (updates) completed before this process started: > 0 when resuming from a checkpoint (loggers then append). */
  startIteration?: number;
}

/** Published after each training iteration. */
export interface IterationEvent {
  /**
   * Updates completed, this one included: 1 after the first update. One numbering everywhere:
   * iteration n is the state after n updates, and iteration 0 the state before any.
   */
  iteration: number;
  /**
   * Named scalars returned by the objective (loss, logZ, …); for objectives that collect their own
   * experience also `episodeReturnMean`, `episodeReturnStd` and `episodeLengthMean` over the last
   * `logging.episodeWindow` finished episodes (once one has finished).
   */
  metrics: Readonly<Record<string, number>>;
  /** Milliseconds spent sampling and updating in this iteration. */
  timings: { sampleMs: number; updateMs: number };
  /** Trajectories sampled so far, this iteration's included (finished episodes, for objectives that collect their own experience). */
  trajectoriesSeen: number;
  /** Environment steps taken so far, for objectives that collect their own experience. */
  environmentSteps?: number;
  /** What the sampling actors did so far (`actors` ≥ 1 or `pipeline: true`). */
  actors?: ActorStats;
  /** Milliseconds since the run started. */
  elapsedMs: number;
  /** The part of `elapsedMs` spent in evaluations that finished before this event (an evaluation after this iteration follows it). */
  evaluationMs?: number;
}

/** Published by the trainer before each batch update. */
export interface TrajectoriesEvent {
  /** The update this batch is for, from 1. */
  iteration: number;
  /** The batch the objective trains on: fresh samples, then locally searched and replayed trajectories. */
  batch: Trajectories;
  /**
   * The trajectories sampled in this iteration, each once: the fresh forward samples (exploration
   * included) and any local-search refinements, whether they joined the batch or went to the replay
   * buffer; never replayed ones. `trajectoriesSeen` grows by their count. Absent = `batch`.
   */
  sampled?: readonly Trajectories[];
}

/** Published whenever an evaluator measured the sampler against the target. */
export interface EvaluationEvent {
  /** Updates completed when the policy was evaluated; 0 = before the first update. */
  iteration: number;
  /** e.g. `tv`, `jsd`, `logZError` — see the evaluator for the exact set. */
  metrics: Readonly<Record<string, number>>;
  /** `exact` when computed from the exact terminating distribution, `sampled` otherwise. */
  method: 'exact' | 'sampled';
  /** Milliseconds this evaluation took (not counted as training time). */
  durationMs?: number;
  /** The environment's picture of the sampler at this evaluation, when it offers one (see `evaluationViewOf`). */
  view?: EvaluationView;
}

/** Published when a checkpoint has been written. */
export interface CheckpointEvent {
  /** Updates completed at the checkpoint (a resume continues with update `iteration + 1`). */
  iteration: number;
  path: string;
}

/** Published once when training stops normally. */
export interface RunFinished {
  iterations: number;
  /** Wall time of the run, evaluation included. */
  elapsedMs: number;
  /** The part of `elapsedMs` spent in evaluations. */
  evaluationMs?: number;
  lastEvaluation?: EvaluationEvent;
  /**
   * Set when the run was interrupted before its last iteration (what interrupted it, e.g.
   * `SIGTERM`): it was published on `runStopped$`, not `runFinished$`, and can be resumed.
   */
  stopped?: string;
}

/** Published once, instead of `runFinished$`, when the run was interrupted (a signal) after an iteration and before its last. */
export type RunStopped = RunFinished & { stopped: string };

/**
 * The trainer's event streams. Everything around the training loop (progress bars, loggers,
 * evaluators, checkpointers, early stopping, benchmark collectors) subscribes to these; the trainer
 * never calls any of them directly.
 *
 * One error path for the whole run: an exception thrown by a subscriber does not escape to RxJS
 * (which would rethrow it from a timer, out of the run's reach); it becomes the run's failure
 * ({@link failure}), and publishing then throws it to the publisher, so the trainer stops, reports
 * it on `error$` and rejects with it. A subscriber attached through {@link attributedTo} is named
 * in the failure (`failureContext(err).where`) and is not called again once the run has failed.
 */
export class EventBus {
  private readonly failures = new RunFailures();
  readonly runStarted$: ReplaySubject<RunStarted> = new RunReplaySubject<RunStarted>({ name: 'runStarted$', failures: this.failures }, 1);
  readonly iteration$: Subject<IterationEvent> = new RunSubject<IterationEvent>({ name: 'iteration$', failures: this.failures });
  readonly trajectories$: Subject<TrajectoriesEvent> = new RunSubject<TrajectoriesEvent>({ name: 'trajectories$', failures: this.failures });
  readonly evaluation$: Subject<EvaluationEvent> = new RunSubject<EvaluationEvent>({ name: 'evaluation$', failures: this.failures });
  readonly checkpoint$: Subject<CheckpointEvent> = new RunSubject<CheckpointEvent>({ name: 'checkpoint$', failures: this.failures });
  readonly runFinished$: ReplaySubject<RunFinished> = new RunReplaySubject<RunFinished>({ name: 'runFinished$', failures: this.failures }, 1);
  readonly runStopped$: ReplaySubject<RunStopped> = new RunReplaySubject<RunStopped>({ name: 'runStopped$', failures: this.failures }, 1);
  /** The run's failure, published once by the trainer as it stops (see `failureContext` for where and at which iteration). */
  readonly error$: Subject<Error> = new RunSubject<Error>({ name: 'error$', failures: this.failures, reportsFailures: true });

  /** The failure that ended the run (the first recorded), once there is one. */
  get failure(): Error | undefined {
    return this.failures.first;
  }

  /** Failures recorded after the run's own (while it was being reported). */
  get laterFailures(): readonly Error[] {
    return this.failures.later;
  }

  /** Records `error` as the run's failure (the first recorded stays the run's); returns it as an Error. */
  fail(error: unknown): Error {
    return this.failures.record(error);
  }

  /** Throws the run's failure, if it has one (a subscriber's promise may have rejected since the last publication). */
  throwIfFailed(): void {
    this.failures.throwIfFailed();
  }

  /**
   * This bus as the part of the run named `where` sees it (e.g. `subscriber 'evaluator'`): what it
   * subscribes is guarded, so that its exceptions fail the run naming it (see `attributedBus`).
   */
  attributedTo(where: string): EventBus {
    return attributedBus(this, where, this.failures);
  }

  /**
   * Completes every stream (subscribers run their `complete` handlers), each even when completing
   * another throws; then throws the first such exception.
   */
  complete(): void {
    const failures: unknown[] = [];
    const streams = [
      this.runStarted$,
      this.iteration$,
      this.trajectories$,
      this.evaluation$,
      this.checkpoint$,
      this.runFinished$,
      this.runStopped$,
      this.error$,
    ];
    for (const s of streams) {
      try {
        synchronously(() => s.complete());
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
