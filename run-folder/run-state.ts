import type { MetricsLog } from './metrics-reader.js';
import type { MetricsRecord } from './records.js';

/** A live run appends a `heartbeat` record to its log this often (one short line). */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * …and also once this many bytes of other records have been appended since its last one, so that
 * a tail of the log this long plus two lines always holds the last sign of life of a run that is
 * being written, however fast it writes (the dashboard reads 64 KB tails).
 */
export const HEARTBEAT_BYTES = 16 * 1024;

/**
 * A run whose last sign of life is older than this is no longer running (six heartbeats missed:
 * a killed run shows as stopped within 30 s; a live one is never mistaken for stopped unless it
 * spends that long in one step without giving its event loop a turn).
 */
export const LIVE_WITHIN_MS = 30_000;

/**
 * The time of the last sign of life among `records` (ms since the epoch): the latest `time` of a
 * heartbeat, start or resume record; undefined when they hold none.
 */
export function lastSignOfLife(records: readonly MetricsRecord[]): number | undefined {
  let last: number | undefined;
  for (const r of records) {
    if (r.type !== 'heartbeat' && r.type !== 'start' && r.type !== 'resume') continue;
    const t = Date.parse(r.time);
    if (Number.isFinite(t) && (last === undefined || t > last)) last = t;
  }
  return last;
}

/**
 * Where a run stands, from its folder:
 * - `missing`: no metrics log (never started here);
 * - `finished` / `failed`: the log's last line is a `finished` / `error` record;
 * - a log whose last line is a `stopped` record (an interrupted run that said so) has not ended and
 *   is no longer written: `resumable` with a checkpoint, else `interrupted`;
 * - otherwise the log has not ended, and the run is `running` when its last sign of life (see
 *   {@link lastSignOfLife}) is within {@link LIVE_WITHIN_MS} of now, `resumable` when a checkpoint
 *   lets `gfn train --resume` (or a queue worker) continue it, else `interrupted` (stopped without
 *   a checkpoint, or nobody asked about one).
 * A last line torn by a kill is not an ending, whatever record comes before it. The records decide,
 * never the file's times (a copied or touched log keeps its state).
 */
export type RunState = 'missing' | 'running' | 'finished' | 'failed' | 'resumable' | 'interrupted';

/** What {@link runState} decides from. */
export interface RunEvidence {
  /** The metrics log as read (all of it, or a tail holding its last lines); undefined when there is none. */
  log: Pick<MetricsLog, 'records' | 'torn'> | undefined;
  /**
   * Now (ms since the epoch), for a reader asking whether the run is being written (the dashboard).
   * Without it a log that has not ended is never `running`: the harness and the job queue ask
   * about runs that no process of theirs writes any more.
   */
  now?: number;
  /** The folder holds a checkpoint (default false). */
  checkpoint?: boolean;
}

/** The one reading of a run's state, shared by the harness, the job queue and the dashboard. */
export function runState({ log, now, checkpoint = false }: RunEvidence): RunState {
  if (!log) return 'missing';
  const last = log.torn ? undefined : log.records.at(-1);
  if (last?.type === 'finished') return 'finished';
  if (last?.type === 'error') return 'failed';
  const alive = now === undefined ? undefined : lastSignOfLife(log.records);
  if (alive !== undefined && now! - alive < LIVE_WITHIN_MS && last?.type !== 'stopped') return 'running';
  return checkpoint ? 'resumable' : 'interrupted';
}

/** Whether a run in `state` has ended, with a result or a recorded failure (it will not be written to again). */
export function hasEnded(state: RunState): state is 'finished' | 'failed' {
  return state === 'finished' || state === 'failed';
}
