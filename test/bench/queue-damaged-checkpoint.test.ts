import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_WORKER } from '../../cli/bench.js';
import { train } from '../../core/run/run.js';
import { connectRedis } from '../../harness/queue/connection.js';
import { readRunLog } from '../../harness/run-log.js';
import { QUEUE_NAME, type RunJobData } from '../../harness/queue/jobs.js';
import { type QueueWorker, startQueueWorker } from '../../harness/queue/queue-worker.js';
import { RunFileStore } from '../../harness/queue/run-files.js';
import { tempRunsDir } from '../checkpoint/helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';
import { findRedisServer, startRedis, type TestRedis, waitFor } from './queue-helpers.js';

// A worker that takes over a run whose published checkpoint was damaged on the way: against a real
// redis-server and a real training process, the job fails with the refusal naming the file.
const redisServer = findRedisServer();

describe.runIf(redisServer !== undefined)('gfn worker taking over a run from a damaged checkpoint', () => {
  let redis: TestRedis;
  let worker: QueueWorker | undefined;
  let queue: Queue | undefined;
  beforeAll(async () => {
    redis = await startRedis(redisServer!);
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await redis?.stop();
  });

  it('refuses the checkpoint: the job fails with one line naming the file and what is wrong, recorded in the run log', { timeout: 90_000 }, async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'taken-over', iterations: 20, checkpoint: { every: 10 }, logging: { dir, progress: 'none' } });
    await train({ ...config, iterations: 10 }, registry, { subscribers: ['jsonl', 'checkpoint'] });
    const runDir = join(dir, config.name);
    // as a worker killed after its checkpoint at iteration 10 leaves it: the log has not ended
    const log = join(runDir, 'metrics.jsonl');
    writeFileSync(log, readFileSync(log, 'utf8').replace(/^\{"type":"finished".*\n/m, ''));
    // one base64 character of the weights changed: still valid JSON, only the checksum tells
    const text = readFileSync(join(runDir, 'checkpoint.json'), 'utf8');
    const at = text.indexOf('"base64":"') + 30;
    writeFileSync(join(runDir, 'checkpoint.json'), `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`);

    const jobId = 'damaged-checkpoint';
    await new RunFileStore(await connectRedis(redis.url)).save(jobId, runDir, false);
    queue = new Queue(QUEUE_NAME, { connection: await connectRedis(redis.url) });
    const data: RunJobData = { id: config.name, env: 'hypergrid', objective: 'tb', seed: 0, config };
    await queue.add('run', data, { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
    const lines: string[] = [];
    worker = await startQueueWorker({ connection: await connectRedis(redis.url), workerModule: BENCH_WORKER, lockSeconds: 5, log: (l) => lines.push(l) });

    // the state first, then the job: a job read before it failed has no failedReason yet
    const job = await waitFor(async () => ((await queue!.getJobState(jobId)) === 'failed' ? queue!.getJob(jobId) : undefined));
    const refusal =
      /^checkpoint \S+\/damaged-checkpoint\/taken-over\/checkpoint\.json is corrupted: its content does not match its sha256 checksum \(recorded [0-9a-f]{12}…, computed [0-9a-f]{12}…\)$/;
    expect(job.failedReason).toMatch(refusal);
    expect(lines.some((l) => l.startsWith('[worker ') && l.includes('resuming taken-over'))).toBe(true);
    expect(lines.find((l) => l.includes('FAILED'))?.replace(/^\[worker \S+\] taken-over FAILED: /, '')).toMatch(refusal);
    // the log the worker published ends with the error record
    const published = join(dir, 'published');
    await new RunFileStore(await connectRedis(redis.url)).fetch(jobId, published);
    const after = readRunLog(published);
    expect(after.state).toBe('failed');
    expect(after.error).toMatch(refusal);
  });
});
