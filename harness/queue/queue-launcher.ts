import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunSpec } from '../grid.js';
import type { LaunchHooks, RunLauncher } from '../launcher.js';
import { DEFAULT_REDIS_WAIT_SECONDS, maskRedisUrl } from './connection.js';
import { DEFAULT_RETRIES, QUEUE_NAME, readJobProgress, runJobData, runJobId, type RunJobData, type RunJobResult } from './jobs.js';
import { RunFileStore } from './run-files.js';
import { watchRedis } from './redis-outage.js';

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
  /** Seconds a lost connection to Redis is waited for before the benchmark fails (default {@link DEFAULT_REDIS_WAIT_SECONDS}). */
  redisWaitSeconds?: number;
  /** Where the lines about the connection go: one when it is lost, one when it is back (default: nowhere). */
  log?: (line: string) => void;
}

/**
 * The coordinator side of `gfn bench --queue`: a run launch enqueues the run as a BullMQ job (its id
 * from the run's name and config, so that a job already there — queued, running, done or failed —
 * is followed instead of added again), follows the job's state and progress until it completes or
 * fails, and then copies the run's files into the run folder, where the harness reads them as it
 * reads a local run's. Interrupting the coordinator leaves the jobs to the workers: starting it
 * again follows them where they are. While Redis is away the launches wait (the connection
 * reconnects by itself); one that stays away longer than `redisWaitSeconds` fails every launch with
 * an error saying so.
 */
export function queueLauncher(options: QueueLauncherOptions): RunLauncher {
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: options.connection });
  const store = new RunFileStore(options.connection);
  const attempts = (options.retries ?? DEFAULT_RETRIES) + 1;
  const pollMs = options.pollMs ?? 500;
  // settles only when the watch gives up: a launch waiting on BullMQ then fails at once (BullMQ's
  // own promises need not settle once their connection is closed)
  let lose: (failure: Error) => void = () => {};
  const lost = new Promise<never>((_, reject) => (lose = reject));
  lost.catch(() => {});
  const watch = watchRedis(options.connection, {
    server: maskRedisUrl(options.url),
    waitSeconds: options.redisWaitSeconds ?? DEFAULT_REDIS_WAIT_SECONDS,
    log: options.log ?? (() => {}),
    afterGivingUp: 'the queued runs stay in Redis: run the same command again once it is back',
    onGiveUp: (failure) => lose(failure),
  });
  queue.on('error', (err) => watch.error(err));
  // enqueues the run (unless its job is there) and follows its job until it has ended
  const follow = async (spec: RunSpec, { progress, signal, retryFailed }: LaunchHooks): Promise<{ error?: string }> => {
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
        if (state === 'completed') return {};
        // `job` was read before its state: a job that failed in between has its reason only now
        const failed = await queue.getJob(jobId);
        return { error: failed?.failedReason || 'failed' };
      }
      if (state === 'active') {
        const p = readJobProgress(job.progress);
        progress(p.fraction, p.iterations);
      }
      await sleep(pollMs, undefined, { signal }).catch(() => {});
    }
  };
  return {
    concurrency: Number.POSITIVE_INFINITY,
    where: `the queue ${maskRedisUrl(options.url)} (start workers with: gfn worker --queue <url>)`,
    launch: (spec, hooks) =>
      Promise.race([follow(spec, hooks), lost]).catch((err: Error) => {
        throw watch.failure ?? err;
      }),
    close: async () => {
      watch.stop();
      if (!watch.failure) await queue.close();
      options.connection.disconnect();
    },
  };
}
