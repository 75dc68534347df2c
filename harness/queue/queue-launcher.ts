import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunLauncher } from '../launcher.js';
import { maskRedisUrl } from './connection.js';
import { DEFAULT_RETRIES, QUEUE_NAME, readJobProgress, runJobData, runJobId, type RunJobData, type RunJobResult } from './jobs.js';
import { RunFileStore } from './run-files.js';

/** Options of {@link queueLauncher}. */
export interface QueueLauncherOptions {
  /** An open connection (see `connectRedis`); closed with the launcher. */
  connection: Redis;
  /** The queue's URL, for messages (its password is masked). */
  url: string;
  /** Times a run that crashes is retried before it is recorded as failed (default {@link DEFAULT_RETRIES}). */
  retries?: number;
  /** How often the state of each run's job is read (milliseconds, default 500). */
  pollMs?: number;
}

/**
 * The coordinator side of `gfn bench --queue`: a run launch enqueues the run as a BullMQ job (its id
 * from the run's name and config, so that a job already there — queued, running, done or failed —
 * is followed instead of added again), follows the job's state and progress until it completes or
 * fails, and then copies the run's files into the run folder, where the harness reads them as it
 * reads a local run's. Interrupting the coordinator leaves the jobs to the workers: starting it
 * again follows them where they are.
 */
export function queueLauncher(options: QueueLauncherOptions): RunLauncher {
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: options.connection });
  const store = new RunFileStore(options.connection);
  const attempts = (options.retries ?? DEFAULT_RETRIES) + 1;
  const pollMs = options.pollMs ?? 500;
  return {
    concurrency: Number.POSITIVE_INFINITY,
    where: `the queue ${maskRedisUrl(options.url)} (start workers with: gfn worker --queue <url>)`,
    launch: async (spec, { progress, signal, retryFailed }) => {
      const jobId = runJobId(spec);
      const existing = await queue.getJob(jobId);
      if (existing && retryFailed && (await existing.getState()) === 'failed') {
        await store.clear(jobId);
        await existing.retry('failed', { resetAttemptsMade: true });
      } else if (!existing) {
        await queue.add('run', runJobData(spec), { jobId, attempts, removeOnComplete: false, removeOnFail: false });
      }
      for (;;) {
        if (signal.aborted) return { error: 'interrupted' };
        const job = await queue.getJob(jobId);
        if (!job) return { error: `job ${jobId} was removed from the queue` };
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') {
          await store.fetch(jobId, spec.dir);
          return state === 'failed' ? { error: job.failedReason || 'failed' } : {};
        }
        if (state === 'active') {
          const p = readJobProgress(job.progress);
          progress(p.fraction, p.iterations);
        }
        await sleep(pollMs, undefined, { signal }).catch(() => {});
      }
    },
    close: async () => {
      await queue.close();
      options.connection.disconnect();
    },
  };
}
