import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BoundedReader } from './bounded-read.js';
import { CHECKPOINT_FILE, CONFIG_FILE, METRICS_FILE } from './layout.js';
import { type MetricsRecord, numericFields, parseLines } from '../run-folder/records.js';

/**
 * Where a run stands, from its files: `finished` / `failed` when the last complete line of
 * `metrics.jsonl` is a `finished` / `error` record; otherwise `running` when the log changed
 * recently, `resumable` when a checkpoint lets `gfn train --resume` continue it, else
 * `interrupted` (stopped without a checkpoint).
 */
export type RunStatus = 'running' | 'finished' | 'failed' | 'resumable' | 'interrupted';

/** One row of the run list. */
export interface RunSummary {
  /** Path of the run folder relative to the dashboard's root, `/`-separated ('.' for the root itself). */
  id: string;
  status: RunStatus;
  name?: string;
  env?: string;
  objective?: string;
  backward?: string;
  seed?: number;
  /** Iterations the config asks for. */
  totalIterations?: number;
  /** The last iteration record's `iteration`, trajectories and seconds. */
  iteration?: number;
  trajectories?: number;
  elapsedSeconds?: number;
  /** Iterations per second over the logged iterations the tail holds. */
  itPerSec?: number;
  /** The last iteration's loss and the last evaluation's metrics (tv, jsd, logZError, …). */
  latest: Record<string, number>;
  /** Iteration of the last evaluation, when the tail holds one. */
  evaluationIteration?: number;
  error?: string;
  /** Last change of the log, ms since the epoch. */
  updatedMs: number;
}

/** How much of each file the listing reads. */
export const CONFIG_READ_BYTES = 256 * 1024;
export const TAIL_READ_BYTES = 64 * 1024;
/** A second, larger tail when the first holds no evaluation (rare evaluations, long lines). */
export const WIDE_TAIL_READ_BYTES = 1024 * 1024;

/** Options of {@link summarizeRun}. */
export interface SummaryOptions {
  reader: BoundedReader;
  /** Now, ms since the epoch. */
  now: number;
  /** A log changed within this many ms counts as a running run. */
  activeWithinMs: number;
}

/** The complete lines of a tail: the first piece is cut unless the tail starts the file; the last has no newline yet. */
function tailRecords(bytes: Buffer, size: number): MetricsRecord[] {
  const lines = bytes.toString('utf8').split('\n');
  lines.pop();
  if (bytes.length < size) lines.shift();
  return parseLines(lines).records;
}

function configSummary(config: Record<string, unknown>): Partial<RunSummary> {
  const section = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const env = section(config.env);
  const objective = section(config.objective);
  const out: Partial<RunSummary> = {};
  if (typeof config.name === 'string') out.name = config.name;
  if (typeof env.name === 'string') out.env = env.name;
  if (typeof objective.name === 'string') out.objective = objective.name;
  if (typeof objective.backward === 'string') out.backward = objective.backward;
  if (typeof config.seed === 'number') out.seed = config.seed;
  if (typeof config.iterations === 'number') out.totalIterations = config.iterations;
  return out;
}

function readConfig(reader: BoundedReader, dir: string): Record<string, unknown> {
  const bytes = reader.head(join(dir, CONFIG_FILE), CONFIG_READ_BYTES);
  if (!bytes) return {};
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Summarises the run in `dir` from its config and the tail of its log: a bounded number of bytes
 * per run, whatever the length of the log.
 */
export function summarizeRun(id: string, dir: string, options: SummaryOptions): RunSummary {
  const { reader } = options;
  const metrics = join(dir, METRICS_FILE);
  let updatedMs = 0;
  try {
    updatedMs = statSync(metrics).mtimeMs;
  } catch {
    // no log yet
  }
  let tail = reader.tail(metrics, TAIL_READ_BYTES);
  let records = tail ? tailRecords(tail.bytes, tail.size) : [];
  if (tail && tail.size > tail.bytes.length && !records.some((r) => r.type === 'evaluation')) {
    tail = reader.tail(metrics, WIDE_TAIL_READ_BYTES);
    if (tail) records = tailRecords(tail.bytes, tail.size);
  }
  const summary: RunSummary = { id, status: 'interrupted', latest: {}, updatedMs, ...configSummary(readConfig(reader, dir)) };
  const last = records.at(-1);
  if (last?.type === 'finished') summary.status = 'finished';
  else if (last?.type === 'error') summary.status = 'failed';
  else if (options.now - updatedMs < options.activeWithinMs) summary.status = 'running';
  else if (existsSync(join(dir, CHECKPOINT_FILE))) summary.status = 'resumable';
  if (last?.type === 'error' && typeof last.message === 'string') summary.error = last.message;

  // the iterations of the current process: after its start or resume line, when the tail holds it
  let segmentStart = -1;
  records.forEach((r, i) => {
    if (r.type === 'start' || r.type === 'resume') segmentStart = i;
  });
  const iterations = records.slice(segmentStart + 1).filter((r) => r.type === 'iteration');
  const lastIteration = iterations.at(-1);
  if (lastIteration) {
    summary.iteration = Number(lastIteration.iteration);
    summary.trajectories = Number(lastIteration.trajectories);
    summary.elapsedSeconds = Number(lastIteration.elapsedMs) / 1000;
    if (typeof lastIteration.loss === 'number') summary.latest.loss = lastIteration.loss;
    const first = iterations[0]!;
    const seconds = (Number(lastIteration.elapsedMs) - Number(first.elapsedMs)) / 1000;
    if (seconds > 0) summary.itPerSec = (Number(lastIteration.iteration) - Number(first.iteration)) / seconds;
  }
  const evaluation = records.filter((r) => r.type === 'evaluation').at(-1);
  if (evaluation) {
    summary.evaluationIteration = Number(evaluation.iteration);
    Object.assign(summary.latest, numericFields(evaluation, ['iteration']));
  }
  return summary;
}
