import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchWithBuiltins } from '../../cli/bench.js';
import type { BenchOutcome } from '../../harness/harness.js';
import { connectRedis } from '../../harness/queue/connection.js';
import { runJobId } from '../../harness/queue/jobs.js';
import { queueLauncher } from '../../harness/queue/queue-launcher.js';
import { metricsPath } from '../../run-folder/paths.js';
import { recordRun } from '../training/run-helpers.js';
import { findRedisServer, useQueueFixture, waitFor } from './queue-helpers.js';
import { recordingReporter, writeJson } from './helpers.js';

// a small grid through a real Redis server and two real `gfn worker` processes
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-queue-sweep-'));
const out = join(tmp, 'out');
// one of the workers keeps its runs' files in a folder every machine would mount, not in Redis
const shared = join(tmp, 'shared');
const configPath = writeJson(tmp, 'sweep.json', {
  name: 'sweep',
  base: { backend: 'wasm', batchSize: 8, estimator: { name: 'mlp', hidden: [16, 16] }, objective: { name: 'tb' }, checkpoint: { every: 10 } },
  environments: [{ label: 'grid6', env: { name: 'hypergrid', ndim: 2, height: 6, R0: 0.1 } }],
  objectives: [
    { label: 'tb-u', objective: { name: 'tb', backward: 'uniform' } },
    { label: 'db-u', objective: { name: 'db', backward: 'uniform' } },
  ],
  seeds: [0, 1],
  budget: { iterations: 40 },
  evaluation: { every: 20 },
});

const fx = useQueueFixture(redisServer, tmp);

describe.runIf(redisServer !== undefined)('gfn bench --queue with two gfn workers', () => {
  const coordinator = async (signal?: AbortSignal): Promise<{ outcome: Promise<BenchOutcome>; lines: string[] }> => {
    const reporter = recordingReporter();
    const launcher = queueLauncher({ connection: await connectRedis(fx.redis.url), url: fx.redis.url, pollMs: 100 });
    return { outcome: benchWithBuiltins(configPath, { outDir: out, reporter, launcher, ...(signal ? { signal } : {}) }), lines: reporter.lines };
  };
  const trainedBy = (): string[] => fx.workers.flatMap((w) => [...w.output().matchAll(/(starting|resuming) (\S+) \(job/g)].map((m) => `${m[1]} ${m[2]}`));

  it('a coordinator stopped and restarted follows the jobs where they are; the results equal in-process runs', async () => {
    const workers = await fx.startWorkers([], ['--results', shared]);
    const client = await connectRedis(fx.redis.url);
    const hkeys = (key: string): Promise<string[]> => client.hkeys(key);
    // the first coordinator enqueues the grid and is stopped once a run has finished
    const stop = new AbortController();
    const first = await coordinator(stop.signal);
    await waitFor(() => (first.lines.some((l) => /^\[bench\] 1\/4 /.test(l)) ? true : undefined));
    stop.abort();
    await expect(first.outcome).rejects.toThrow(/^interrupted: [1-4] of 4 runs are complete; run the same command again to continue$/);
    expect(first.lines[0]).toMatch(/^\[bench\] sweep: 4 runs \(0 already complete, 4 to run\) on the queue redis:\/\/127\.0\.0\.1:\d+ /);

    // the workers carried on meanwhile; the second enqueues what is not complete here (adding no job) and waits for the rest
    const second = await coordinator();
    const outcome = await second.outcome;
    expect(outcome.results.map((r) => [r.id, r.log.state])).toEqual(outcome.specs.map((s) => [s.id, 'finished']));
    expect(outcome.skipped + outcome.ran).toBe(4);
    expect(await fx.queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')).toEqual({
      completed: 4,
      failed: 0,
      waiting: 0,
      active: 0,
      delayed: 0,
    });

    // both workers took runs, every run was trained exactly once, from the start
    expect(trainedBy().sort()).toEqual(outcome.specs.map((s) => `starting ${s.id}`).sort());
    expect(workers.every((w) => /starting grid6-/.test(w.output()))).toBe(true);
    // the runs of the worker with --results stayed in the shared folder; Redis only names it
    const sharedRuns = [...workers[1]!.output().matchAll(/starting (\S+) \(job (\S+),/g)].map((m) => ({ id: m[1]!, job: m[2]! }));
    for (const { id, job } of sharedRuns) {
      expect(readFileSync(join(shared, job, id, 'metrics.jsonl'), 'utf8')).toBe(readFileSync(metricsPath(join(out, 'runs', id)), 'utf8'));
      expect(await hkeys(`gfn-bench:files:${job}`)).toEqual(['@dir']);
    }
    const redisRuns = [...workers[0]!.output().matchAll(/starting \S+ \(job (\S+),/g)].map((m) => m[1]!);
    for (const job of redisRuns) expect((await hkeys(`gfn-bench:files:${job}`)).sort()).toEqual(['checkpoint.json', 'config.json', 'metrics.jsonl']);
    for (const s of outcome.specs) {
      const records = readFileSync(metricsPath(s.dir), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(records.filter((r) => r.type === 'start' || r.type === 'resume')).toHaveLength(1);
      const job = (await fx.queue.getJob(runJobId(s)))!;
      expect(job.attemptsMade).toBe(1);
      expect(job.returnvalue.iterations).toBe(40);
    }

    // same numbers as the same configs trained here, in-process
    for (const s of outcome.specs) {
      const local = await recordRun(s.config);
      const queued = outcome.results.find((r) => r.id === s.id)!.log.points;
      expect(queued.map((p) => p.metrics)).toEqual(local.evaluations.map((e) => e.metrics));
    }
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/\| tb-u \| 2\/2 \| [\d.]+ ± [\d.e-]+ \|/);
    client.disconnect();
  });

  it('enqueuing the same grid again adds no job and trains nothing: the results come back from Redis', async () => {
    const before = await fx.queue.getJobCounts('completed');
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    rmSync(join(out, 'runs'), { recursive: true });
    const again = await coordinator();
    const outcome = await again.outcome;
    expect(outcome.ran).toBe(4);
    expect(outcome.results.every((r) => r.log.state === 'finished')).toBe(true);
    expect(await fx.queue.getJobCounts('completed', 'waiting', 'active')).toEqual({ ...before, waiting: 0, active: 0 });
    expect(trainedBy()).toHaveLength(4);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe(summary);
  });
});
