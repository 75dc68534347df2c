import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunSpec } from '../grid.js';
import { workerPoolLauncher } from '../launcher.js';
import { CHECKPOINT_FILE } from '../../run-folder/layout.js';
import { appendRunError } from '../../run-folder/metrics-writer.js';
import { readRunLog } from '../run-log.js';
import { MAX_TAKEOVERS, QUEUE_NAME, type RunJobData, type RunJobProgress, type RunJobResult } from './jobs.js';
import { DEFAULT_REDIS_WAIT_SECONDS } from './connection.js';
import { watchRedis } from './redis-outage.js';
import { RunFileStore } from './run-files.js';
import { claimScratch } from './scratch.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** An open connection (see `connectRedis`); the worker closes it when it stops. */
  connection: Redis;
  /** The module each run is forked from (`bin/bench-worker.js`). */
  workerModule: string;
  /** Runs trained at once (default 1). */
  concurrency?: number;
  /** A folder shared by every machine: runs train there and only its path travels through Redis. */
  resultsDir?: string;
  /**
   * Seconds a run's lock lasts without renewal (default 30): a worker that dies (kill -9, a lost
   * machine) leaves its run to be taken over by another worker after this long.
   */
  lockSeconds?: number;
  /** The queue's URL with its password masked, for messages (default: the connection's host and port). */
  server?: string;
  /** Seconds a lost connection to Redis is waited for before the worker stops (default {@link DEFAULT_REDIS_WAIT_SECONDS}). */
  redisWaitSeconds?: number;
  /** Where the scratch folders of this machine's workers go (default `$TMPDIR/gfn-workers`, see `claimScratch`). */
  scratchRoot?: string;
  /** One line of news per job started, resumed, finished or failed, and per loss of Redis and its return. */
  log?: (line: string) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** `host:pid`, recorded on each job it processes. */
  readonly name: string;
  /**
   * Settles, with the reason, if the worker stops taking jobs by itself: Redis stayed away longer
   * than `redisWaitSeconds`, or BullMQ's job loop failed. `close` is still to be called.
   */
  readonly failure: Promise<Error>;
  /** Stops taking jobs and kills the runs in progress; their locks lapse and others take them over. */
  close(): Promise<void>;
}

/**
 * `gfn worker`: takes run jobs from the queue and trains each in a local worker process (the same
 * one `gfn bench` uses, so a run computes the same numbers here as in a local benchmark). Each
 * checkpoint the run writes is published with its log (see {@link RunFileStore}); a job found with
 * a checkpoint, left by a worker that died, resumes from it. A run that fails publishes its log
 * with the error and throws, so BullMQ retries it (from scratch: the failed attempt's files are
 * discarded) until its attempts are spent. While Redis is away the worker keeps training and its
 * connection reconnects by itself; it says so in one line when Redis goes and one when it is back.
 * Runs train in a scratch folder of this machine (see `claimScratch`), unless `resultsDir` is given.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const name = `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => {});
  const store = new RunFileStore(options.connection);
  const shared = options.resultsDir !== undefined;
  let scratch: string;
  if (shared) scratch = resolve(options.resultsDir!);
  else {
    const claimed = claimScratch(options.scratchRoot);
    scratch = claimed.dir;
    if (claimed.reclaimed.length > 0) log(`[worker ${name}] removed ${claimed.reclaimed.length} scratch folder(s) of workers no longer running`);
  }
  const runs = workerPoolLauncher(options.workerModule);
  const stopping = new AbortController();
  const lockMs = Math.round((options.lockSeconds ?? 30) * 1000);
  let reportFailure: (err: Error) => void = () => {};
  const failure = new Promise<Error>((r) => (reportFailure = r));
  const { host, port } = options.connection.options;
  const watch = watchRedis(options.connection, {
    server: options.server ?? `${host}:${port}`,
    waitSeconds: options.redisWaitSeconds ?? DEFAULT_REDIS_WAIT_SECONDS,
    log: (line) => log(`[worker ${name}] ${line}`),
    afterGivingUp: 'the runs this worker was training are left to other workers',
    onGiveUp: reportFailure,
  });

  const processRun = async (job: Job<RunJobData, RunJobResult>): Promise<RunJobResult> => {
    const jobId = job.id!;
    const jobDir = join(scratch, jobId);
    const spec: RunSpec = { ...job.data, dir: join(jobDir, job.data.id), config: { ...job.data.config, logging: { ...job.data.config.logging, dir: jobDir } } };
    if (!shared) rmSync(jobDir, { recursive: true, force: true });
    let fetched = await store.fetch(jobId, spec.dir);
    const before = fetched.files.length > 0 ? readRunLog(spec.dir) : undefined;
    if (before?.state === 'finished') {
      // a worker published the finished run but BullMQ did not record it (the worker died, or its
      // lock lapsed while Redis was away): nothing left to train
      log(`[worker ${name}] ${job.data.id} was already finished (published by a worker whose job was not recorded as done)`);
      if (!shared) rmSync(jobDir, { recursive: true, force: true });
      return { iterations: before.finished!.iterations, elapsedSeconds: before.finished!.elapsedSeconds, worker: name };
    }
    if (before?.state === 'failed') {
      // the previous attempt crashed: a retry starts from scratch
      await store.clear(jobId);
      rmSync(spec.dir, { recursive: true, force: true });
      fetched = { from: 'none', files: [] };
    }
    const resume = fetched.files.includes(CHECKPOINT_FILE);
    log(`[worker ${name}] ${resume ? 'resuming' : 'starting'} ${job.data.id} (job ${jobId}, attempt ${job.attemptsMade + 1})`);
    // publications go one after another, in order: a later one never overtakes an earlier one
    let published = Promise.resolve();
    const publish = (): void => {
      published = published
        .then(() => store.save(jobId, spec.dir, shared))
        .catch((err: Error) => log(`[worker ${name}] ${job.data.id}: publishing its files failed: ${err.message}`));
    };
    const outcome = await runs.launch(spec, {
      signal: stopping.signal,
      ...(resume ? { resume: true } : {}),
      progress: (fraction, iterations) =>
        void job.updateProgress({ fraction, ...(iterations !== undefined ? { iterations } : {}) } satisfies RunJobProgress).catch(() => {}),
      checkpoint: publish,
    });
    if (stopping.signal.aborted) return new Promise<never>(() => {}); // left to lapse and be taken over
    let state = readRunLog(spec.dir);
    if (outcome.error !== undefined && state.state !== 'failed') {
      appendRunError(spec.dir, outcome.error);
      state = readRunLog(spec.dir);
    }
    publish();
    await published;
    if (!shared) rmSync(jobDir, { recursive: true, force: true });
    if (state.state !== 'finished') {
      log(`[worker ${name}] ${job.data.id} FAILED: ${state.error}`);
      throw new Error(state.error ?? 'the run ended without finishing');
    }
    log(`[worker ${name}] ${job.data.id} finished ${state.finished!.iterations} iterations`);
    return { iterations: state.finished!.iterations, elapsedSeconds: state.finished!.elapsedSeconds, worker: name };
  };

  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, processRun, {
    connection: options.connection,
    name,
    concurrency: options.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.round(lockMs / 2)),
    maxStalledCount: MAX_TAKEOVERS,
    autorun: false,
  });
  worker.on('error', (err) => watch.error(err));
  await worker.waitUntilReady();
  log(`[worker ${name}] taking runs from the queue (${options.concurrency ?? 1} at a time, files ${shared ? `in ${scratch}` : 'through Redis'})`);
  worker.run().catch((err: Error) => {
    if (!stopping.signal.aborted) reportFailure(watch.failure ?? new Error(`the worker stopped taking jobs: ${err.message}`));
  });
  return {
    name,
    failure,
    close: async () => {
      stopping.abort();
      watch.stop();
      runs.close();
      // after giving up the connection is closed: there is nothing left to tell Redis
      await worker.close(true);
      options.connection.disconnect();
      if (!shared) rmSync(scratch, { recursive: true, force: true });
    },
  };
}
