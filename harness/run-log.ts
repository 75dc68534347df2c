import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A run's state as its `metrics.jsonl` tells it. */
export type RunState = 'missing' | 'partial' | 'finished' | 'failed';

/** One evaluation point of a run, joined with the iteration line of the same iteration. */
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

/** Everything the benchmark needs from one run's `metrics.jsonl`. */
export interface RunLog {
  state: RunState;
  backend?: string;
  points: EvaluationPoint[];
  /** From the `finished` line. */
  finished?: { iterations: number; elapsedSeconds: number };
  /** From the last `error` line. */
  error?: string;
}

/** Path of a run's metrics log. */
export function metricsPath(runDir: string): string {
  return join(runDir, 'metrics.jsonl');
}

/**
 * Reads a run's `metrics.jsonl`. A run is `finished` when its last line is a `finished` record,
 * `failed` when it is an `error` record, `partial` when it stops anywhere else (a killed worker),
 * `missing` without a log. A torn last line (a write cut short) counts as partial.
 */
export function readRunLog(runDir: string): RunLog {
  const path = metricsPath(runDir);
  if (!existsSync(path)) return { state: 'missing', points: [] };
  const { records, torn } = readRecords(path);
  // the evaluator publishes while the iteration is being published, so an iteration's evaluation
  // line comes before its iteration line: join them after reading everything
  const iterations = new Map<number, Record<string, unknown>>();
  for (const r of records) if (r.type === 'iteration') iterations.set(Number(r.iteration), r);
  const log: RunLog = { state: 'partial', points: [] };
  for (const r of records) {
    if ((r.type === 'start' || r.type === 'resume') && typeof r.backend === 'string') log.backend = r.backend;
    else if (r.type === 'evaluation') {
      const { type: _t, iteration, method: _m, durationMs: _d, ...metrics } = r;
      // an evaluation at iteration 0 (before any update) has no iteration line: nothing seen yet
      const it = Number(iteration) === 0 ? { trajectories: 0, elapsedMs: 0 } : iterations.get(Number(iteration));
      log.points.push({
        iterations: iterationsCompleted(Number(iteration)),
        trajectories: Number(it?.trajectories ?? Number.NaN),
        elapsedSeconds: Number(it?.elapsedMs ?? Number.NaN) / 1000,
        ...(typeof it?.loss === 'number' ? { loss: it.loss } : {}),
        metrics: numbers(metrics),
      });
    } else if (r.type === 'finished') log.finished = { iterations: Number(r.iterations), elapsedSeconds: Number(r.elapsedMs) / 1000 };
    else if (r.type === 'error') log.error = String(r.message);
  }
  const last = records.at(-1);
  if (!torn && last?.type === 'finished') log.state = 'finished';
  else if (!torn && last?.type === 'error') log.state = 'failed';
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
 * `iterations` iterations, from its `metrics.jsonl`; undefined when the log has no such line.
 * A run taken over from its checkpoint spends only what is left of a wall-time budget.
 */
export function trainingSecondsAt(runDir: string, iterations: number): number | undefined {
  const path = metricsPath(runDir);
  if (!existsSync(path)) return undefined;
  const line = readRecords(path).records.find((r) => r.type === 'iteration' && iterationsCompleted(Number(r.iteration)) === iterations);
  return line === undefined ? undefined : Number(line.elapsedMs) / 1000;
}

/** The parseable records of a log, with times made continuous across resumes; `torn`: the last line is cut short. */
function readRecords(path: string): { records: Array<Record<string, unknown>>; torn: boolean } {
  const records: Array<Record<string, unknown>> = [];
  let torn = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
      torn = false;
    } catch {
      torn = true;
    }
  }
  // a resumed run (a worker taken over, `gfn train --resume`) restarts its clock: count its time
  // from where the run stood at the checkpoint, so that seconds and iterations/s cover the whole run
  let offsetMs = 0;
  let lastElapsedMs = 0;
  for (const r of records) {
    if (r.type === 'resume') offsetMs = lastElapsedMs;
    else if (r.type === 'iteration' || r.type === 'finished') {
      r.elapsedMs = Number(r.elapsedMs) + offsetMs;
      lastElapsedMs = r.elapsedMs as number;
    }
  }
  return { records, torn };
}

/**
 * Records a failure the run could not record itself (a worker that crashed, or failed before
 * training started): appends an `error` line, so that the log ends the way a failed run's does.
 */
export function appendRunError(runDir: string, message: string): void {
  mkdirSync(runDir, { recursive: true });
  const path = metricsPath(runDir);
  // a line torn by a kill has no newline: start a fresh one so that the error line stays parseable
  const torn = existsSync(path) && !/(^|\n)$/.test(readFileSync(path, 'utf8'));
  appendFileSync(path, `${torn ? '\n' : ''}${JSON.stringify({ type: 'error', message })}\n`);
}

function numbers(record: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === 'number') out[k] = v;
  return out;
}
