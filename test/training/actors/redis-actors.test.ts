import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../../core/config/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRedisServer, startRedis, type TestRedis, type TestWorker } from '../../bench/queue-helpers.js';
import { type ActorRun, actorRun, inThread, numbersOf } from './actor-run.js';
import { redisActorsConfig, redisLearner, startActors } from './redis-actor-run.js';
import { runKeys } from '../../../plugins/node/redis-actors/wire.js';

// A learner in this process and `gfn actor` processes meeting it through a real redis-server.
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-redis-actors-'));
let redis: TestRedis;
const actors: TestWorker[] = [];
beforeAll(async () => {
  if (redisServer) redis = await startRedis(redisServer);
});
afterAll(async () => {
  // DEBUG_ACTORS=1 prints what the actor processes said (a hung run is diagnosed from there)
  if (process.env.DEBUG_ACTORS) for (const a of actors) console.log(a.output());
  await Promise.all(actors.map((a) => a.stop()));
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const config = redisActorsConfig;

/** Every trajectory trained on was acknowledged once, every batch pushed was acknowledged, and the counters agree. */
async function expectAllAcknowledged(run: ActorRun, learner: ReturnType<typeof redisLearner>, epoch = 1, runId = 'default'): Promise<void> {
  const last = run.iterations.at(-1)!.actors!;
  const trained = run.freshTrajectories.reduce((a, b) => a + b, 0);
  expect(last.acceptedTrajectories).toBe(trained);
  const counts = learner.link().counts;
  expect(counts.acknowledgedTrajectories).toBe(trained + last.droppedTrajectories);
  const { connectRedis } = await import('../../../harness/queue/connection.js');
  const client = await connectRedis(redis.url);
  const [group] = (await client.xinfo('GROUPS', `gfn:actors:${runId}:e${epoch}:batches`)) as unknown[][];
  const info = Object.fromEntries(Array.from({ length: group!.length / 2 }, (_, i) => [group![2 * i], group![2 * i + 1]]));
  await client.quit();
  // nothing pushed is left unacknowledged: what the actors pushed is what the learner acknowledged (and the duplicates it skipped)
  expect(info.pending).toBe(0);
  expect(info['entries-read']).toBe(counts.acknowledgedBatches + counts.duplicates);
}

describe.skipIf(!redisServer)('actors over Redis (gfn actor processes)', () => {
  it('lockstep maxLag 0 through Redis gives the numbers of the actors in this thread; every trajectory trained on was acknowledged', async () => {
    const c = config({ actorSchedule: 'lockstep', maxLag: 0 });
    const learner = redisLearner(redis.url, 'lockstep');
    const mine = startActors(2, redis.url, 'lockstep', tmp);
    actors.push(...mine);
    const run = await actorRun(c, learner.registry);
    expect(await Promise.all(mine.map((a) => a.exited))).toEqual([0, 0]);
    const reference = await inThreadReference(c);
    expect(numbersOf(run)).toEqual(numbersOf(reference));
    const last = run.iterations.at(-1)!.actors!;
    expect(last.staleness).toEqual([30]);
    expect(last.droppedBatches).toBe(0);
    expect(last.trajectoriesPerSecond).toHaveLength(2);
    expect(last.trajectoriesPerSecond.every((r) => r > 0)).toBe(true);
    await expectAllAcknowledged(run, learner, 1, 'lockstep');
  }, 60_000);

  it('an actor killed with SIGKILL (async): the other carries on; its pushed batches are trained on (or dropped) once', async () => {
    const c = config({ actorSchedule: 'async', maxLag: 8, iterations: 40 });
    const learner = redisLearner(redis.url, 'kill-async');
    const mine = startActors(2, redis.url, 'kill-async', tmp);
    actors.push(...mine);
    let killing: Promise<TestWorker> | undefined;
    const run = await actorRun(c, learner.registry, (e) => {
      if (e.iteration === 8) killing = killHolder(mine, 'kill-async', 0);
    });
    const victim = await killing!;
    expect(victim.process.signalCode ?? (await victim.exited, victim.process.signalCode)).toBe('SIGKILL');
    const other = mine.find((a) => a !== victim)!;
    expect(await other.exited).toBe(0);
    expect(run.iterations).toHaveLength(40);
    await expectAllAcknowledged(run, learner, 1, 'kill-async');
  }, 60_000);

  it('an actor killed with SIGKILL (lockstep maxLag 0): a waiting process takes its slot over from its last batch, and the numbers are those of an uninterrupted run', async () => {
    const c = config({ actorSchedule: 'lockstep', maxLag: 0 });
    const learner = redisLearner(redis.url, 'kill-lockstep');
    const mine = startActors(3, redis.url, 'kill-lockstep', tmp);
    actors.push(...mine);
    let killing: Promise<TestWorker> | undefined;
    const run = await actorRun(c, learner.registry, (e) => {
      if (e.iteration === 8) killing = killHolder(mine, 'kill-lockstep', 0);
    });
    const victim = await killing!;
    const others = mine.filter((a) => a !== victim);
    expect(await Promise.all(others.map((a) => a.exited))).toEqual([0, 0]);
    expect(others.filter((a) => a.output().includes('[actor 0] epoch 1: sampling'))).toHaveLength(1);
    const reference = await inThreadReference(c);
    expect(numbersOf(run)).toEqual(numbersOf(reference));
    await expectAllAcknowledged(run, learner, 1, 'kill-lockstep');
  }, 60_000);
});

/** The run of `config` with its actors in this thread, once per config (two tests compare with the same one). */
const references = new Map<string, Promise<ActorRun>>();
function inThreadReference(config: ResolvedConfig): Promise<ActorRun> {
  const key = JSON.stringify(config);
  if (!references.has(key)) references.set(key, actorRun(config, inThread));
  return references.get(key)!;
}

/**
 * Kills the process that holds slot `slot` of run `runId` (its first epoch) with SIGKILL: the one
 * whose process id its lease in Redis names (the lease holds the holder's `host:pid:…`), which is
 * the process sampling as that slot now, whatever the processes printed so far.
 */
async function killHolder(processes: readonly TestWorker[], runId: string, slot: number): Promise<TestWorker> {
  const { connectRedis } = await import('../../../harness/queue/connection.js');
  const client = await connectRedis(redis.url);
  const incarnation = await client.get(runKeys(runId).lease(1, slot));
  await client.quit();
  const pid = Number(incarnation?.split(':')[1]);
  const holder = processes.find((a) => a.process.pid === pid);
  if (!holder) throw new Error(`no process of this test holds slot ${slot} (its lease: ${JSON.stringify(incarnation)})`);
  holder.process.kill('SIGKILL');
  return holder;
}
