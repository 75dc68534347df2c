import { type MetricsLog, readMetricsLog } from '../run-folder/metrics-reader.js';
import { type IterationRecord, type MetricsRecord, recordMetrics } from '../run-folder/records.js';
import { type RunState, runState } from '../run-folder/run-state.js';

/** One evaluation point of a run, joined with the iteration record of the same iteration. */
export interface EvaluationPoint {
  /** Training iterations (updates) completed at this point; 0 = evaluated before the first update. */
  iterations: number;
  /** Trajectories sampled so far. */
  trajectories: number;
  /** Seconds of training since the run started, at the end of this iteration's update (a resumed run's included). */
  elapsedSeconds: number;
  /** The objective's loss at this iteration, when it reports one. */
  loss?: number;
  /** What the evaluator measured: tv, jsd, logZError, … */
  metrics: Record<string, number>;
}

/** Everything the benchmark needs from one run's metrics log. */
export interface RunLog {
  /**
   * `missing`, `finished`, `failed`, or `interrupted` for a log that has not ended (the harness
   * reads a run only when no worker is writing it, and never resumes from a checkpoint itself).
   */
  state: RunState;
  backend?: string;
  points: EvaluationPoint[];
  /** From the `finished` record. */
  finished?: { iterations: number; elapsedSeconds: number };
  /** From the last `error` record. */
  error?: string;
}

/** Reads the metrics log of the run in `runDir` (see `runState` for its state). */
export function readRunLog(runDir: string): RunLog {
  const metrics = readMetricsLog(runDir);
  const log: RunLog = { state: runState({ log: metrics }), points: [] };
  if (!metrics) return log;
  const { records, elapsedMs } = continuousTimes(metrics);
  // the evaluator publishes while the iteration is being published, so an iteration's evaluation
  // record comes before its iteration record: join them after reading everything
  const iterations = new Map<number, IterationRecord>();
  for (const r of records) if (r.type === 'iteration') iterations.set(r.iteration, r);
  for (const r of records) {
    if (r.type === 'start' || r.type === 'resume') log.backend = r.backend;
    else if (r.type === 'evaluation') {
      // an evaluation at iteration 0 (before any update) has no iteration record: nothing seen yet
      const it = r.iteration === 0 ? undefined : iterations.get(r.iteration);
      const before = r.iteration === 0 ? 0 : Number.NaN;
      log.points.push({
        iterations: iterationsCompleted(r.iteration),
        trajectories: it?.trajectories ?? before,
        elapsedSeconds: (it ? elapsedMs.get(it)! : before) / 1000,
        ...(typeof it?.loss === 'number' ? { loss: it.loss } : {}),
        metrics: recordMetrics(r),
      });
    } else if (r.type === 'finished') log.finished = { iterations: r.iterations, elapsedSeconds: elapsedMs.get(r)! / 1000 };
    else if (r.type === 'error') log.error = r.message;
  }
  return log;
}

/**
 * Training iterations completed when the trainer reports iteration `iteration`: the one place that
 * knows how the trainer numbers its iterations (iteration n = after n updates, counted from 1; an
 * evaluation before any update is iteration 0).
 */
export function iterationsCompleted(iteration: number): number {
  return iteration;
}

/**
 * Seconds of training (a resumed run's earlier time included) when the run had completed
 * `iterations` iterations, from its metrics log; undefined when the log has no such record.
 * A run taken over from its checkpoint spends only what is left of a wall-time budget.
 */
export function trainingSecondsAt(runDir: string, iterations: number): number | undefined {
  const metrics = readMetricsLog(runDir);
  if (!metrics) return undefined;
  const { records, elapsedMs } = continuousTimes(metrics);
  const record = records.find((r): r is IterationRecord => r.type === 'iteration' && iterationsCompleted(r.iteration) === iterations);
  return record === undefined ? undefined : elapsedMs.get(record)! / 1000;
}

/**
 * The `elapsedMs` of each iteration and finished record, made continuous across resumes: a resumed
 * run (a worker taken over, `gfn train --resume`) restarts its clock, so its time counts from where
 * the run stood at the checkpoint, and seconds and iterations/s cover the whole run.
 */
function continuousTimes({ records }: MetricsLog): { records: MetricsRecord[]; elapsedMs: Map<MetricsRecord, number> } {
  const elapsedMs = new Map<MetricsRecord, number>();
  let offsetMs = 0;
  let lastElapsedMs = 0;
  for (const r of records) {
    if (r.type === 'resume') offsetMs = lastElapsedMs;
    else if (r.type === 'iteration' || r.type === 'finished') {
      lastElapsedMs = r.elapsedMs + offsetMs;
      elapsedMs.set(r, lastElapsedMs);
    }
  }
  return { records, elapsedMs };
}
