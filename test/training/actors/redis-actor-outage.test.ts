import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../../harness/queue/connection.js';
import { findRedisServer, startRedis, type TestRedis, type TestWorker } from '../../bench/queue-helpers.js';
import { actorRun, inThread, numbersOf } from './actor-run.js';
import { redisActorsConfig, redisLearner, startActors } from './redis-actor-run.js';

// The learner and its `gfn actor` processes when their redis-server crashes and comes back (from
// its append-only file) in the middle of a run.
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-redis-actor-outage-'));
const started: Array<TestRedis | TestWorker> = [];
afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!redisServer)('actors over Redis when the server restarts', () => {
  it('learner and actors ride it out with one line each per outage; the numbers are those of an uninterrupted run, every batch acknowledged once', async () => {
    const redis = await startRedis(redisServer!, { persistent: true });
    started.push(redis);
    const config = redisActorsConfig();
    const learner = redisLearner(redis.url, 'outage');
    const actors = startActors(2, redis.url, 'outage', tmp);
    started.push(...actors);
    let restarted: Promise<void> | undefined;
    const run = await actorRun(config, learner.registry, (e) => {
      if (e.iteration === 10) restarted = redis.restart();
    });
    await restarted;
    expect(await Promise.all(actors.map((a) => a.exited))).toEqual([0, 0]);
    expect(numbersOf(run)).toEqual(numbersOf(await actorRun(config, inThread)));
    // one line when the connection is lost and one when it is back, in each process
    for (const lines of [learner.lines.join('\n'), ...actors.map((a) => a.output())]) {
      expect(lines.match(/lost the connection to the Redis server/g)).toHaveLength(1);
      expect(lines.match(/is back after/g)).toHaveLength(1);
    }
    const trained = run.freshTrajectories.reduce((a, b) => a + b, 0);
    const counts = learner.link().counts;
    expect(counts.acknowledgedTrajectories).toBe(trained);
    const client = await connectRedis(redis.url);
    const pending = (await client.xpending('gfn:actors:outage:e1:batches', 'learner')) as [number, ...unknown[]];
    const length = await client.xlen('gfn:actors:outage:e1:batches');
    await client.quit();
    expect(pending[0]).toBe(0);
    expect(length).toBe(0);
  }, 60_000);
});

describe.skipIf(!redisServer)('actors over Redis when the server restarts without its data', () => {
  it('the learner fails naming the lost stream; the actors end with the run', async () => {
    const redis = await startRedis(redisServer!);
    started.push(redis);
    const config = redisActorsConfig({ iterations: 200, actors: 1, actorSchedule: 'async', maxLag: 8 });
    const learner = redisLearner(redis.url, 'lost');
    const actors = startActors(1, redis.url, 'lost', tmp);
    started.push(...actors);
    const run = actorRun(config, learner.registry, (e) => {
      if (e.iteration === 5) void redis.restart();
    });
    await expect(run).rejects.toThrow(/the batches stream gfn:actors:lost:e1:batches is gone \(the server lost its data/);
    expect(await actors[0]!.exited).toBe(0);
  }, 60_000);
});
