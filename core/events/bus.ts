import { ReplaySubject, Subject } from 'rxjs';
import type { EvaluationView } from '../env/view.js';
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
}

/**
 * The trainer's event streams. Everything around the training loop (progress bars, loggers,
 * evaluators, checkpointers, early stopping, benchmark collectors) subscribes to these; the trainer
 * never calls any of them directly.
 */
export class EventBus {
  readonly runStarted$ = new ReplaySubject<RunStarted>(1);
  readonly iteration$ = new Subject<IterationEvent>();
  readonly trajectories$ = new Subject<TrajectoriesEvent>();
  readonly evaluation$ = new Subject<EvaluationEvent>();
  readonly checkpoint$ = new Subject<CheckpointEvent>();
  readonly runFinished$ = new ReplaySubject<RunFinished>(1);
  readonly error$ = new Subject<Error>();

  /** Completes every stream (subscribers run their `complete` handlers). */
  complete(): void {
    for (const s of [this.runStarted$, this.iteration$, this.trajectories$, this.evaluation$, this.checkpoint$, this.runFinished$, this.error$]) {
      s.complete();
    }
  }
}
