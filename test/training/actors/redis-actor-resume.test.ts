import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { train } from '../../../core/run/run.js';
import { openCheckpointedRun } from '../../../plugins/node/resume.js';
import { findRedisServer, startGfn, startRedis, type TestRedis, type TestWorker, waitFor } from '../../bench/queue-helpers.js';
import { writeJson } from '../../bench/helpers.js';
import { redisLearner, startActors } from './redis-actor-run.js';

// The learner (`gfn train --queue`) killed with SIGKILL in the middle of a run: the run resumed
// from its checkpoint finds the same `gfn actor` processes, which join its new epoch.
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-redis-actor-resume-'));
const started: Array<TestRedis | TestWorker> = [];
afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The last iteration metrics.jsonl records (0 before the first). */
function lastIteration(runDir: string): number {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return 0;
  const found = [...readFileSync(file, 'utf8').matchAll(/"type":"iteration","iteration":(\d+)/g)];
  return found.length > 0 ? Number(found.at(-1)![1]) : 0;
}

describe.skipIf(!redisServer)('actors over Redis when the learner is killed', () => {
  it('the resumed learner continues from its checkpoint; the actors join it and the run completes, every trajectory trained on acknowledged', async () => {
    const redis = await startRedis(redisServer!);
    started.push(redis);
    const runs = join(tmp, 'runs');
    const configFile = writeJson(tmp, 'config.json', {
      name: 'killed',
      seed: 0,
      backend: 'wasm',
      iterations: 60,
      batchSize: 16,
      env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.1 },
      objective: { name: 'tb', backward: 'uniform' },
      estimator: { name: 'mlp', hidden: [32, 32] },
      evaluation: { every: 0 },
      engine: { name: 'backend' },
      actors: 2,
      maxLag: 8,
      checkpoint: { every: 5 },
      logging: { dir: runs },
    });
    const actors = startActors(2, redis.url, 'default', tmp).map((a) => (started.push(a), a));
    const first = startGfn(['train', configFile, '--queue', redis.url], tmp);
    started.push(first);
    const runDir = join(runs, 'killed');
    await waitFor(() => (lastIteration(runDir) >= 12 ? true : undefined));
    first.process.kill('SIGKILL');
    await first.exited;
    const { config, checkpoint } = await openCheckpointedRun(runDir);
    expect(checkpoint.iterations).toBeGreaterThanOrEqual(10);
    expect(checkpoint.iterations).toBeLessThan(60);
    const learner = redisLearner(redis.url, 'default');
    const fresh: number[] = [];
    let last: { trajectoriesSeen: number; actors?: { acceptedTrajectories: number; droppedTrajectories: number } } | undefined;
    await train(config, learner.registry, {
      subscribers: [],
      resume: checkpoint,
      beforeRun: (_c, bus) => {
        bus.iteration$.subscribe((e) => (last = e));
        bus.trajectories$.subscribe((e) => fresh.push(e.sampled![0]!.nTraj));
      },
    });
    expect(await Promise.all(actors.map((a) => a.exited))).toEqual([0, 0]);
    // both actors served the killed learner's epoch and the resumed one's
    for (const a of actors) expect(a.output()).toMatch(/epoch 1: sampling[\s\S]*epoch 2: sampling/);
    expect(fresh).toHaveLength(60 - checkpoint.iterations);
    const trainedAfterResume = fresh.reduce((a, b) => a + b, 0);
    const counts = learner.link().counts;
    const droppedBefore = (checkpoint.state.trainer!.actors as { droppedTrajectories: number }).droppedTrajectories;
    expect(counts.acknowledgedTrajectories).toBe(trainedAfterResume + last!.actors!.droppedTrajectories - droppedBefore);
    expect(last!.actors!.acceptedTrajectories).toBe(last!.trajectoriesSeen);
  }, 60_000);
});
