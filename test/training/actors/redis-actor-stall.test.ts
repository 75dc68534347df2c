import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedisServer, startRedis, type TestRedis, type TestWorker } from '../../bench/queue-helpers.js';
import { actorRun, inThread, numbersOf } from './actor-run.js';
import { redisActorsConfig, redisLearner, startActors } from './redis-actor-run.js';

// An actor process frozen (SIGSTOP) past its 2-second lease: a waiting process takes its slot; when
// it wakes, its pushes are refused and it waits for a free slot instead of sampling beside the other.
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-redis-actor-stall-'));
const started: Array<TestRedis | TestWorker> = [];
afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!redisServer)('actors over Redis: an actor stalled past its lease', () => {
  it('its slot is taken over; woken, it gives the slot up and waits; the numbers are those of an uninterrupted run', async () => {
    const redis = await startRedis(redisServer!);
    started.push(redis);
    const config = redisActorsConfig({ iterations: 60 });
    const learner = redisLearner(redis.url, 'stall');
    const actors = startActors(3, redis.url, 'stall', tmp);
    started.push(...actors);
    let frozen: TestWorker | undefined;
    const sampled = (a: TestWorker): boolean => a.output().includes('[actor 0] epoch 1: sampling');
    const run = await actorRun(config, learner.registry, (e) => {
      // once a spare process waits for a slot (the three start at once, on a loaded machine not equally fast)
      const spare = actors.find((a) => a.output().includes('waiting for one to free') && !a.output().includes('epoch 1: sampling'));
      if (frozen || e.iteration < 8 || !spare) return;
      frozen = actors.find((a) => sampled(a) && !a.output().includes('another process took the slot') && a.process.exitCode === null)!;
      frozen.process.kill('SIGSTOP');
      // woken once the spare took the slot (after the frozen one's 2-second lease lapsed)
      const wake = setInterval(() => {
        if (!sampled(spare)) return;
        clearInterval(wake);
        frozen!.process.kill('SIGCONT');
      }, 100);
    });
    const codes = await Promise.all(actors.map((a) => a.exited));
    expect(codes, actors.map((a) => a.output()).join('\n---\n')).toEqual([0, 0, 0]);
    expect(frozen!.output()).toMatch(/\[actor 0\] actor 0: another process took the slot while this one was stalled past its lease; waiting for a free slot/);
    expect(actors.filter((a) => a !== frozen && a.output().includes('[actor 0] epoch 1: sampling'))).toHaveLength(1);
    expect(numbersOf(run)).toEqual(numbersOf(await actorRun(config, inThread)));
    const trained = run.freshTrajectories.reduce((a, b) => a + b, 0);
    expect(learner.link().counts.acknowledgedTrajectories).toBe(trained);
  }, 60_000);
});
