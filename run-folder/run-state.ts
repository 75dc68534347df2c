import type { MetricsLog } from './metrics-reader.js';

/**
 * Where a run stands, from its folder:
 * - `missing`: no metrics log (never started here);
 * - `finished` / `failed`: the log's last line is a `finished` / `error` record;
 * - a log whose last line is a `stopped` record (an interrupted run that said so) has not ended and
 *   is no longer written: `resumable` with a checkpoint, else `interrupted`;
 * - otherwise the log has not ended, and the run is `running` when its log is still being written,
 *   `resumable` when a checkpoint lets `gfn train --resume` (or a queue worker) continue it, else
 *   `interrupted` (stopped without a checkpoint, or nobody asked about one).
 * A last line torn by a kill is not an ending, whatever record comes before it.
 */
export type RunState = 'missing' | 'running' | 'finished' | 'failed' | 'resumable' | 'interrupted';

/** What {@link runState} decides from. */
export interface RunEvidence {
  /** The metrics log as read (all of it, or a tail holding its last lines); undefined when there is none. */
  log: Pick<MetricsLog, 'records' | 'torn'> | undefined;
  /** The log changed so recently that its writer is taken to be alive (default false). */
  active?: boolean;
  /** The folder holds a checkpoint (default false). */
  checkpoint?: boolean;
}

/** The one reading of a run's state, shared by the harness, the job queue and the dashboard. */
export function runState({ log, active = false, checkpoint = false }: RunEvidence): RunState {
  if (!log) return 'missing';
  const last = log.torn ? undefined : log.records.at(-1);
  if (last?.type === 'finished') return 'finished';
  if (last?.type === 'error') return 'failed';
  if (active && last?.type !== 'stopped') return 'running';
  return checkpoint ? 'resumable' : 'interrupted';
}

/** Whether a run in `state` has ended, with a result or a recorded failure (it will not be written to again). */
export function hasEnded(state: RunState): state is 'finished' | 'failed' {
  return state === 'finished' || state === 'failed';
}
