import type { ResolvedConfig } from '../../core/config/schema.js';
import { trainingHash } from '../config-identity.js';
import type { RunSpec } from '../grid.js';

/** The BullMQ queue every `gfn bench --queue` enqueues into and every `gfn worker` takes from. */
export const QUEUE_NAME = 'gfn-bench';

/** Runs that crash are retried this many times by default before they are recorded as failed. */
export const DEFAULT_RETRIES = 2;

/** Times a run may be taken over from a worker that stopped renewing its lock before it fails. */
export const MAX_TAKEOVERS = 3;

/** What a job carries: one run of a grid, without the coordinator's output folder. */
export interface RunJobData {
  id: string;
  env: string;
  objective: string;
  seed: number;
  config: ResolvedConfig;
  stopAfterSeconds?: number;
}

/** A job's progress, as the worker reports it while the run trains. */
export interface RunJobProgress {
  /** Budget spent, in [0, 1]. */
  fraction: number;
  /** Training iterations completed, when known. */
  iterations?: number;
}

/** What a finished job returns (the run's files travel separately, see `run-files.ts`). */
export interface RunJobResult {
  iterations: number;
  elapsedSeconds: number;
  /** The worker that finished it (`host:pid`). */
  worker: string;
}

/**
 * The job id of a run: its name and a hash of what it trains (its resolved config without
 * `logging`). Enqueuing the same grid twice, from one coordinator or several, adds nothing; a
 * run whose config changed becomes a new job.
 */
export function runJobId(spec: Pick<RunSpec, 'id' | 'config'>): string {
  return `${spec.id}-${trainingHash(spec.config)}`;
}

/** The job data of a run. */
export function runJobData(spec: RunSpec): RunJobData {
  const { dir: _dir, ...rest } = spec;
  return rest;
}

/** Reads a job's progress value, which BullMQ types as number | object. */
export function readJobProgress(progress: unknown): RunJobProgress {
  if (typeof progress === 'number') return { fraction: progress };
  const p = (progress ?? {}) as Partial<RunJobProgress>;
  return { fraction: typeof p.fraction === 'number' ? p.fraction : 0, ...(typeof p.iterations === 'number' ? { iterations: p.iterations } : {}) };
}
