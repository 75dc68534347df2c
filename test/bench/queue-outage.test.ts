import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { benchWithBuiltins } from '../../cli/bench.js';
import { connectRedis } from '../../harness/queue/connection.js';
import { readJobProgress } from '../../harness/queue/jobs.js';
import { queueLauncher } from '../../harness/queue/queue-launcher.js';
import { recordRun } from '../training/run-helpers.js';
import { writeJson } from './helpers.js';
import { findRedisServer, freePort, inspectQueue, startRedis, startWorker, type TestRedis, type TestWorker, waitFor } from './queue-helpers.js';

// The job queue when its Redis server goes away: restarted in the middle of a bench, down when a
// worker starts, gone for good. A real redis-server and real `gfn worker` processes.
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-queue-outage-'));
const started: Array<TestRedis | TestWorker> = [];
afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A bench of one run of `iterations` (a checkpoint every 10). */
const benchFile = (name: string, iterations: number): string =>
  writeJson(tmp, `${name}.json`, {
    name,
    base: { backend: 'wasm', batchSize: 8, estimator: { name: 'mlp', hidden: [16, 16] }, objective: { name: 'tb' }, checkpoint: { every: 10 } },
    environments: [{ label: 'grid6', env: { name: 'hypergrid', ndim: 2, height: 6, R0: 0.1 } }],
    objectives: [{ label: 'tb-u', objective: { name: 'tb', backward: 'uniform' } }],
    seeds: [0],
    budget: { iterations },
    evaluation: { every: 100 },
  });

const redisAt = async (options: Parameters<typeof startRedis>[1] = {}): Promise<TestRedis> => {
  const redis = await startRedis(redisServer!, options);
  started.push(redis);
  return redis;
};
const workerAt = (url: string, extra: string[] = [], tmpDir = tmp): TestWorker => {
  const worker = startWorker(url, extra, tmpDir);
  started.push(worker);
  return worker;
};
const takingRuns = (w: TestWorker): Promise<true> => waitFor(() => (w.output().includes('taking runs from the queue') ? true : undefined));
const linesOf = (text: string, pattern: RegExp): string[] => text.split('\n').filter((l) => pattern.test(l));

/** Waits until the queue's only run is active and past `iterations`. */
async function runPast(url: string, iterations: number): Promise<void> {
  const queue = await inspectQueue(url);
  await waitFor(async () => {
    const [job] = await queue.getJobs(['active']);
    return job && (readJobProgress(job.progress).iterations ?? 0) >= iterations ? true : undefined;
  });
  await queue.close();
}

describe.runIf(redisServer !== undefined)('the job queue when Redis goes away', () => {
  it('Redis restarted during a bench: the bench finishes with the numbers of an uninterrupted run; the worker and the coordinator each say once that it went and once that it is back', async () => {
    // BullMQ keeps everything in Redis (jobs, states, locks, the runs' files): the restarted server must come back with its data
    const redis = await redisAt({ persistent: true });
    const worker = workerAt(redis.url);
    await takingRuns(worker);
    const lines: string[] = [];
    const launcher = queueLauncher({ connection: await connectRedis(redis.url), url: redis.url, pollMs: 100, log: (l) => lines.push(l) });
    const running = benchWithBuiltins(benchFile('restart', 200), { outDir: join(tmp, 'restart'), launcher });

    await runPast(redis.url, 20);
    await redis.crash();
    await sleep(3000);
    await redis.restart();
    const outcome = await running;

    const [result] = outcome.results;
    expect(result!.log.state, result!.log.error).toBe('finished');
    const uninterrupted = await recordRun(outcome.specs[0]!.config);
    expect(result!.log.points.map((p) => p.metrics)).toEqual(uninterrupted.evaluations.map((e) => e.metrics));

    const server = redis.url.replace(/\/$/, '');
    const lost = new RegExp(`lost the connection to the Redis server at ${server}( \\([^)]*\\))?; trying again for up to 60 s$`);
    const back = new RegExp(`the Redis server at ${server} is back after \\d+(\\.\\d)? s$`);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(lost);
    expect(lines[1]).toMatch(back);
    const said = worker.output();
    expect(linesOf(said, /lost the connection/)).toHaveLength(1);
    expect(linesOf(said, /lost the connection/)[0]).toMatch(lost);
    expect(linesOf(said, /is back after/)).toHaveLength(1);
    expect(linesOf(said, /is back after/)[0]).toMatch(back);
    // no line per retry, no stack; a lock that lapsed meanwhile is told once, not at each renewal
    expect(said).not.toMatch(/ECONNREFUSED|\n\s+at /);
    const errors = linesOf(said, /queue error:/);
    expect(new Set(errors).size).toBe(errors.length);
    expect(said).toMatch(/finished 200 iterations/);
  });

  it('a worker started while Redis is down waits for it (one line), then takes runs once it is up', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const worker = workerAt(url);
    await waitFor(() => (worker.output().includes('waiting for the Redis server') ? true : undefined));
    await redisAt({ port });
    await takingRuns(worker);
    const launcher = queueLauncher({ connection: await connectRedis(url), url, pollMs: 100 });
    const outcome = await benchWithBuiltins(benchFile('late', 30), { outDir: join(tmp, 'late'), launcher });
    expect(outcome.results[0]!.log.state).toBe('finished');
    const said = worker.output();
    expect(linesOf(said, /^\[worker\] waiting/)).toEqual([
      `[worker] waiting for the Redis server at ${url} (connect ECONNREFUSED 127.0.0.1:${port}); trying again for up to 60 s`,
    ]);
    expect(linesOf(said, /^\[worker\] the Redis server at .* answered after \d+(\.\d)? s$/)).toHaveLength(1);
    expect(said).not.toMatch(/gfn:|error/i);
  });

  it('past --redis-wait-seconds: a worker exits 1 with one gfn: line (at start, or while training), and the coordinator fails with the same reason', async () => {
    const port = await freePort();
    const never = workerAt(`redis://127.0.0.1:${port}`, ['--redis-wait-seconds', '1']);
    expect(await never.exited).toBe(1);
    expect(linesOf(never.output(), /^gfn:/)).toEqual([
      `gfn: cannot use the Redis server at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (tried for 1 s; --redis-wait-seconds sets how long)`,
    ]);
    expect(never.output().trim().split('\n').at(-1)).toMatch(/^gfn:/);

    const redis = await redisAt();
    const worker = workerAt(redis.url, ['--redis-wait-seconds', '3']);
    await takingRuns(worker);
    const launcher = queueLauncher({ connection: await connectRedis(redis.url), url: redis.url, pollMs: 100, redisWaitSeconds: 3 });
    const bench = benchWithBuiltins(benchFile('gone', 1_000_000), { outDir: join(tmp, 'gone'), launcher }).catch((e: Error) => e);
    await runPast(redis.url, 1);
    await redis.stop();
    const stoppedAt = performance.now();
    const code = await worker.exited;
    const seconds = (performance.now() - stoppedAt) / 1000;
    expect(code).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(3);
    const gone = `lost the Redis server at ${redis.url} for more than 3 s \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${redis.port}\\); `;
    const gfnLines = linesOf(worker.output(), /^gfn:/);
    expect(gfnLines).toHaveLength(1);
    expect(gfnLines[0]).toMatch(new RegExp(`^gfn: ${gone}the runs this worker was training are left to other workers$`));
    expect(worker.output()).not.toMatch(/\n\s+at /);
    expect(((await bench) as Error).message).toMatch(new RegExp(`^${gone}the queued runs stay in Redis: run the same command again once it is back$`));
  });
});
