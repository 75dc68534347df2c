import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchWithBuiltins } from '../../cli/bench.js';
import { connectRedis } from '../../harness/queue/connection.js';
import { readJobProgress, runJobId } from '../../harness/queue/jobs.js';
import { queueLauncher } from '../../harness/queue/queue-launcher.js';
import { metricsPath } from '../../run-folder/paths.js';
import { recordRun } from '../training/run-helpers.js';
import { findRedisServer, useQueueFixture, waitFor } from './queue-helpers.js';
import { recordingReporter, writeJson } from './helpers.js';

// faults against a real Redis server and real `gfn worker` processes: a worker killed with
// SIGKILL mid-run, and a run that crashes on every attempt
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-queue-faults-'));
const out = join(tmp, 'out');
const configPath = writeJson(tmp, 'faults.json', {
  name: 'faults',
  base: {
    backend: 'wasm',
    batchSize: 8,
    estimator: { name: 'mlp', hidden: [16, 16] },
    objective: { name: 'tb' },
    checkpoint: { every: 10 },
    plugins: [fileURLToPath(new URL('./nan-plugin.ts', import.meta.url))],
  },
  environments: [{ label: 'grid6', env: { name: 'hypergrid', ndim: 2, height: 6, R0: 0.1 } }],
  objectives: [
    { label: 'tb-u', objective: { name: 'tb', backward: 'uniform' } },
    { label: 'nan', objective: { name: 'nan-after', after: 3 } },
  ],
  seeds: [0],
  budget: { iterations: 120 },
  evaluation: { every: 40 },
});

const fx = useQueueFixture(redisServer, tmp);

describe.runIf(redisServer !== undefined)('gfn bench --queue when things go wrong', () => {
  it('kill -9 of a worker mid-run: another takes the run over from its checkpoint (same numbers); a crashing run is retried, then recorded failed', async () => {
    const workers = await fx.startWorkers([], []);
    const reporter = recordingReporter();
    const launcher = queueLauncher({ connection: await connectRedis(fx.redis.url), url: fx.redis.url, retries: 1, pollMs: 100 });
    const running = benchWithBuiltins(configPath, { outDir: out, reporter, launcher });

    // once the TB run is past a checkpoint, SIGKILL the worker training it (its training process goes with it)
    const tbId = 'grid6-tb-u-s0';
    const victim = await waitFor(async () => {
      const job = (await fx.queue.getJobs(['active'])).find((j) => j.data.id === tbId);
      if (!job || (readJobProgress(job.progress).iterations ?? 0) < 25) return undefined;
      return workers.find((w) => job.processedBy?.endsWith(`:${w.process.pid}`));
    });
    victim.process.kill('SIGKILL');
    const survivor = workers.find((w) => w !== victim)!;

    const outcome = await running;
    expect(survivor.output()).toMatch(new RegExp(`resuming ${tbId} \\(job ${runJobId(outcome.specs[0]!)}, attempt 1\\)`));
    const tb = outcome.results.find((r) => r.id === tbId)!;
    expect(tb.log.state, tb.log.error).toBe('finished');
    const records = readFileSync(metricsPath(outcome.specs[0]!.dir), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; startIteration?: number });
    const resumed = records.find((r) => r.type === 'resume')!;
    expect(resumed.startIteration! % 10).toBe(0);
    expect(resumed.startIteration).toBeGreaterThanOrEqual(20);
    // the killed-and-resumed run computes what an uninterrupted run computes
    const uninterrupted = await recordRun(outcome.specs[0]!.config);
    expect(tb.log.points.map((p) => p.metrics)).toEqual(uninterrupted.evaluations.map((e) => e.metrics));
    // evaluation.atStart: the run's log starts with the evaluation before the first update
    expect(tb.log.points.map((p) => p.iterations)).toEqual([0, 40, 80, 120]);

    // the NaN run: 1 retry, so 2 attempts, then failed with the run's own error
    const nanSpec = outcome.specs.find((s) => s.objective === 'nan')!;
    const nanJob = (await fx.queue.getJob(runJobId(nanSpec)))!;
    expect(await nanJob.getState()).toBe('failed');
    expect(nanJob.attemptsMade).toBe(2);
    const message = "objective 'nan-after' produced loss = NaN at iteration 3";
    expect(nanJob.failedReason).toBe(message);
    expect(outcome.results.find((r) => r.id === nanSpec.id)!.log).toMatchObject({ state: 'failed', error: message });
    expect(workers.map((w) => w.output().match(/starting grid6-nan-s0/g)?.length ?? 0).reduce((a, b) => a + b)).toBe(2);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(`- \`nan\` seed 0: ${message}`);
    expect(reporter.lines.some((l) => l.startsWith(`[bench] `) && l.includes(`grid6-nan-s0: FAILED: ${message}`))).toBe(true);

    // --retry-failed: the failed job runs again (its attempts afresh); the finished one is kept
    const again = await benchWithBuiltins(configPath, {
      outDir: out,
      retryFailed: true,
      launcher: queueLauncher({ connection: await connectRedis(fx.redis.url), url: fx.redis.url, retries: 1, pollMs: 100 }),
    });
    expect(again.ran).toBe(1);
    expect(again.results.find((r) => r.id === nanSpec.id)!.log).toMatchObject({ state: 'failed', error: message });
    expect(workers.map((w) => w.output().match(/starting grid6-nan-s0/g)?.length ?? 0).reduce((a, b) => a + b)).toBe(4);
    expect((await fx.queue.getJob(runJobId(nanSpec)))!.attemptsMade).toBe(2);
  });
});
