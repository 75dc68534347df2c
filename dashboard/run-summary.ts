import { existsSync, statSync } from 'node:fs';
import { checkpointPath, configPath, metricsPath } from '../run-folder/paths.js';
import { type MetricsLog, parseMetricsLines } from '../run-folder/metrics-reader.js';
import { recordMetrics } from '../run-folder/records.js';
import { type RunState, runState } from '../run-folder/run-state.js';
import type { BoundedReader } from './bounded-read.js';

/**
 * Where a listed run stands (see `runState`): `running` when its last heartbeat is recent,
 * `resumable` when it holds a checkpoint. Listed runs have a log, so never `missing`.
 */
export type RunStatus = Exclude<RunState, 'missing'>;

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
  /** Last change of the log, ms since the epoch (shown and sorted on; the status comes from the records). */
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
  /** Now, ms since the epoch: a run whose last heartbeat is more recent than `LIVE_WITHIN_MS` is running. */
  now: number;
}

/** The records of a tail (its first line is cut unless the tail starts the file); a last line without its newline is torn. */
function tailRecords(bytes: Buffer, size: number): MetricsLog {
  const lines = bytes.toString('utf8').split('\n');
  if (bytes.length < size) lines.shift();
  return parseMetricsLines(lines);
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
  const bytes = reader.head(configPath(dir), CONFIG_READ_BYTES);
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
  const metrics = metricsPath(dir);
  let updatedMs = 0;
  try {
    updatedMs = statSync(metrics).mtimeMs;
  } catch {
    // no log yet
  }
  let tail = reader.tail(metrics, TAIL_READ_BYTES);
  let log = tail ? tailRecords(tail.bytes, tail.size) : { records: [], skipped: 0, torn: false };
  if (tail && tail.size > tail.bytes.length && !log.records.some((r) => r.type === 'evaluation')) {
    tail = reader.tail(metrics, WIDE_TAIL_READ_BYTES);
    if (tail) log = tailRecords(tail.bytes, tail.size);
  }
  const { records } = log;
  // the run was listed for its log: one that cannot be read at the moment counts as empty
  const status = runState({ log, now: options.now, checkpoint: existsSync(checkpointPath(dir)) });
  const summary: RunSummary = { id, status: status === 'missing' ? 'interrupted' : status, latest: {}, updatedMs, ...configSummary(readConfig(reader, dir)) };
  const last = records.at(-1);
  if (status === 'failed' && last?.type === 'error') summary.error = last.message;

  // the iterations of the current process: after its start or resume line, when the tail holds it
  let segmentStart = -1;
  records.forEach((r, i) => {
    if (r.type === 'start' || r.type === 'resume') segmentStart = i;
  });
  const iterations = records.slice(segmentStart + 1).filter((r) => r.type === 'iteration');
  const lastIteration = iterations.at(-1);
  if (lastIteration) {
    summary.iteration = lastIteration.iteration;
    summary.trajectories = lastIteration.trajectories;
    summary.elapsedSeconds = lastIteration.elapsedMs / 1000;
    if (typeof lastIteration.loss === 'number') summary.latest.loss = lastIteration.loss;
    const first = iterations[0]!;
    const seconds = (lastIteration.elapsedMs - first.elapsedMs) / 1000;
    if (seconds > 0) summary.itPerSec = (lastIteration.iteration - first.iteration) / seconds;
  }
  const evaluation = records.filter((r) => r.type === 'evaluation').at(-1);
  if (evaluation) {
    summary.evaluationIteration = evaluation.iteration;
    Object.assign(summary.latest, recordMetrics(evaluation));
  }
  return summary;
}
