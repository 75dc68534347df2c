import type { ActorStats } from '../core/sampling/actor-stats.js';

/**
 * The records of a run's metrics log (`METRICS_FILE` in `layout.ts`): one JSON object per line,
 * told apart by `type`. The writer (the JSONL logger) builds them, the harness, the job queue and
 * the dashboard read them. Fields every version of the writer wrote are required; those added
 * later (`kernels`, `evaluationMs`, `trainingMs`, `durationMs`, an error's `where` and `iteration`) are optional, so that old run
 * folders still read. Nothing here touches the file system: the dashboard's page uses these types.
 */

/** The first record of a fresh run. */
export interface StartRecord {
  readonly type: 'start';
  /** Tensor backend (`tensorflow`, `wasm`, `cpu`, …). */
  readonly backend: string;
  /** Engine of the network passes (`backend` or a native engine); absent in logs of older versions. */
  readonly kernels?: string;
  /** Iterations the config asks for. */
  readonly iterations: number;
  /** ISO time the run started. */
  readonly time: string;
}

/** A run continued from its checkpoint: the records after `startIteration` were dropped before this one. */
export interface ResumeRecord {
  readonly type: 'resume';
  readonly backend: string;
  readonly kernels?: string;
  readonly iterations: number;
  /** The checkpoint's iteration: the first update of this process makes iteration `startIteration + 1`. */
  readonly startIteration: number;
  readonly time: string;
}

/**
 * One training iteration (iteration n = after n updates). The objective's metrics (`loss`, `logZ`,
 * episode returns, …) sit flat beside the fixed fields, between `trajectories` and `sampleMs`;
 * a metric that was NaN or infinite reads as `null`.
 */
export interface IterationRecord {
  readonly type: 'iteration';
  readonly iteration: number;
  /** Trajectories sampled so far. */
  readonly trajectories: number;
  /** Environment steps so far, for objectives that count them (classic RL). */
  readonly environmentSteps?: number;
  readonly sampleMs: number;
  readonly updateMs: number;
  /** Milliseconds since this process started the run (a resumed run's clock starts again at 0). */
  readonly elapsedMs: number;
  /** Of `elapsedMs`, the time spent evaluating; absent in logs of older versions. */
  readonly evaluationMs?: number;
  /** What the sampling actors did so far (runs with `actors` ≥ 1 or `pipeline: true`; docs/actors.md). */
  readonly actors?: ActorStats;
  readonly [metric: string]: unknown;
}

/**
 * One evaluation at `iteration` (0 = before the first update). What it measured (`tv`, `jsd`,
 * `logZError`, …) sits flat beside the fixed fields.
 */
export interface EvaluationRecord {
  readonly type: 'evaluation';
  readonly iteration: number;
  /** `exact` or `sampled`. */
  readonly method: string;
  readonly durationMs?: number;
  readonly [metric: string]: unknown;
}

/** The run completed (its last record). */
export interface FinishedRecord {
  readonly type: 'finished';
  readonly iterations: number;
  readonly elapsedMs: number;
  readonly evaluationMs?: number;
  readonly trainingMs?: number;
}

/**
 * The run was interrupted (a signal) after `iterations` iterations, before its last: it wrote a
 * checkpoint (when it made an update) and `gfn train --resume` continues it.
 */
export interface StoppedRecord {
  readonly type: 'stopped';
  /** Iterations completed: the checkpoint's, where the resumed run continues. */
  readonly iterations: number;
  /** What interrupted it (`SIGINT`, `SIGTERM`, …). */
  readonly reason: string;
  readonly elapsedMs: number;
  readonly evaluationMs?: number;
  readonly trainingMs?: number;
}

/** The run failed (its last record): published by the run, or appended for it by whoever saw it die. */
export interface ErrorRecord {
  readonly type: 'error';
  readonly message: string;
  /** The part of the run that failed (`objective 'tb'`, `environment 'hypergrid'`, `subscriber 'evaluator'`, …), when known. */
  readonly where?: string;
  /** The iteration the run was working on when it failed (0 = before the first update), when known. */
  readonly iteration?: number;
}

/** The `error` record of a failure: its message, and where and at which iteration it happened when known. */
export function errorRecord(message: string, context: { where?: string | undefined; iteration?: number | undefined } = {}): ErrorRecord {
  const { where, iteration } = context;
  return { type: 'error', message, ...(where === undefined ? {} : { where }), ...(iteration === undefined ? {} : { iteration }) };
}

/** A live run's sign of life, appended every few seconds (see `run-state.ts`): a reader tells a run being written from one whose writer died by its time. */
export interface HeartbeatRecord {
  readonly type: 'heartbeat';
  /** ISO time it was written. */
  readonly time: string;
}

/** One line of a run's metrics log. */
export type MetricsRecord = StartRecord | ResumeRecord | IterationRecord | EvaluationRecord | FinishedRecord | StoppedRecord | ErrorRecord | HeartbeatRecord;

/** The kinds of record. */
export type MetricsRecordType = MetricsRecord['type'];

type FieldType = 'number' | 'string';

/** The fields each kind of record must have (`required`) and may have (`optional`), with their JSON types. */
const SHAPES: Record<MetricsRecordType, { required: Record<string, FieldType>; optional: Record<string, FieldType> }> = {
  start: { required: { backend: 'string', iterations: 'number', time: 'string' }, optional: { kernels: 'string' } },
  resume: { required: { backend: 'string', iterations: 'number', startIteration: 'number', time: 'string' }, optional: { kernels: 'string' } },
  iteration: {
    required: { iteration: 'number', trajectories: 'number', sampleMs: 'number', updateMs: 'number', elapsedMs: 'number' },
    optional: { environmentSteps: 'number', evaluationMs: 'number' },
  },
  evaluation: { required: { iteration: 'number', method: 'string' }, optional: { durationMs: 'number' } },
  finished: { required: { iterations: 'number', elapsedMs: 'number' }, optional: { evaluationMs: 'number', trainingMs: 'number' } },
  stopped: { required: { iterations: 'number', reason: 'string', elapsedMs: 'number' }, optional: { evaluationMs: 'number', trainingMs: 'number' } },
  error: { required: { message: 'string' }, optional: { where: 'string', iteration: 'number' } },
  heartbeat: { required: { time: 'string' }, optional: {} },
};

/**
 * The record a parsed JSON value is, or undefined when it is none: not an object, a `type` this
 * version does not know, a required field missing or a field of the wrong JSON type.
 */
export function asMetricsRecord(value: unknown): MetricsRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const shape = typeof r.type === 'string' && Object.hasOwn(SHAPES, r.type) ? SHAPES[r.type as MetricsRecordType] : undefined;
  if (!shape) return undefined;
  for (const [field, type] of Object.entries(shape.required)) if (typeof r[field] !== type) return undefined;
  for (const [field, type] of Object.entries(shape.optional)) if (r[field] !== undefined && typeof r[field] !== type) return undefined;
  return r as unknown as MetricsRecord;
}

/** The record on one line of the log, or undefined for a line that holds none (torn by a kill, garbage). */
export function parseMetricsLine(line: string): MetricsRecord | undefined {
  try {
    return asMetricsRecord(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/** The line of the log that holds `record`, newline included: the on-disk format, byte for byte. */
export function formatMetricsLine(record: MetricsRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * The numbers a record reports beside its fixed fields: an iteration's metrics (`loss`, …) or what
 * an evaluation measured (`tv`, `jsd`, …).
 */
export function recordMetrics(record: IterationRecord | EvaluationRecord): Record<string, number> {
  const shape = SHAPES[record.type];
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === 'number' && !(k in shape.required) && !(k in shape.optional)) out[k] = v;
  return out;
}
