import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../../core/config/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRedisServer, startRedis, type TestRedis, type TestWorker } from '../../bench/queue-helpers.js';
import { type ActorRun, actorRun, inThread, numbersOf } from './actor-run.js';
import { copyControlEntries, redisActorsConfig, redisLearner, startActors } from './redis-actor-run.js';
import { connectRedis } from '../../../harness/queue/connection.js';
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

/**
 * Every trajectory trained on was acknowledged once, every batch pushed was acknowledged, and the
 * counters agree. `inFlight`: batches the run may end without taking (async with several actors
 * running to the end: each of the others may have one drawn), left pending and never counted.
 */
async function expectAllAcknowledged(run: ActorRun, learner: ReturnType<typeof redisLearner>, epoch = 1, runId = 'default', inFlight = 0): Promise<void> {
  const last = run.iterations.at(-1)!.actors!;
  const trained = run.freshTrajectories.reduce((a, b) => a + b, 0);
  expect(last.acceptedTrajectories).toBe(trained);
  const counts = learner.link().counts;
  expect(counts.acknowledgedTrajectories).toBe(trained + last.droppedTrajectories);
  const client = await connectRedis(redis.url);
  const [group] = (await client.xinfo('GROUPS', `gfn:actors:${runId}:e${epoch}:batches`)) as unknown[][];
  const info = Object.fromEntries(Array.from({ length: group!.length / 2 }, (_, i) => [group![2 * i], group![2 * i + 1]]));
  await client.quit();
  // nothing pushed is left unacknowledged but what was in flight at the end: what the actors pushed is what the learner acknowledged (and the duplicates it skipped)
  expect(info.pending).toBeLessThanOrEqual(inFlight);
  expect(info['entries-read']).toBe(counts.acknowledgedBatches + counts.duplicates + Number(info.pending));
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

  it('a slot no process serves (async): its control stream holds one notice however many updates; a process that then takes it samples with the newest parameters', async () => {
    // maxLag 16: a batch drawn with parameters from before update 14 would be dropped when trained on after update 30
    const c = config({ actorSchedule: 'async', maxLag: 16, iterations: 60 });
    const keys = runKeys('idle-slot');
    const client = await connectRedis(redis.url);
    // slot 1 held, as by a process that claimed it and went away (a spare waits for it); long leases: slot 0 stays its process's while frozen
    await client.set(keys.lease(1, 1), 'gone:0:0', 'PX', 120_000);
    const learner = redisLearner(redis.url, 'idle-slot');
    const mine = startActors(2, redis.url, 'idle-slot', tmp, ['--lease-seconds', '30']);
    actors.push(...mine);
    const lengths: Array<Promise<number>> = [];
    let frozen: TestWorker | undefined;
    let joined: Promise<void> | undefined;
    const run = await actorRun(c, learner.registry, (e) => {
      if (e.iteration === 10) lengths.push(client.xlen(keys.control(1, 1)));
      if (e.iteration === 30)
        joined = (async () => {
          // the learner waits for slot 1's first batch: the process of slot 0 is frozen meanwhile
          frozen = await holderOf(mine, 'idle-slot', 0);
          frozen.process.kill('SIGSTOP');
          lengths.push(client.xlen(keys.control(1, 1)));
          await lengths.at(-1);
          await client.del(keys.lease(1, 1));
        })();
      if (frozen && e.actors!.trajectoriesPerSecond[1]! > 0) frozen.process.kill('SIGCONT');
    });
    await joined;
    frozen?.process.kill('SIGCONT');
    // one notice after 10 updates and after 30 (with every notice kept: 10 and 30)
    expect(await Promise.all(lengths)).toEqual([1, 1]);
    await client.quit();
    expect(await Promise.all(mine.map((a) => a.exited))).toEqual([0, 0]);
    const spare = mine.find((a) => a !== frozen)!;
    expect(spare.output()).toContain('[actor 1] epoch 1: sampling');
    expect(run.iterations).toHaveLength(60);
    const last = run.iterations.at(-1)!.actors!;
    // slot 1's batches came from the newest parameters: none was past maxLag
    expect(last.trajectoriesPerSecond[1]).toBeGreaterThan(0);
    expect(last.droppedBatches).toBe(0);
    // both processes sample to the end: the run may end with slot 0's or slot 1's next batch drawn, not taken
    await expectAllAcknowledged(run, learner, 1, 'idle-slot', 1);
  }, 60_000);

  it('every control message delivered twice (lockstep maxLag 0): each is applied once, the numbers are those of the actors in this thread', async () => {
    const c = config({ actorSchedule: 'lockstep', maxLag: 0 });
    const learner = redisLearner(redis.url, 'resend');
    const copier = await copyControlEntries(redis.url, 'resend', [0, 1]);
    const mine = startActors(2, redis.url, 'resend', tmp);
    actors.push(...mine);
    const run = await actorRun(c, learner.registry);
    const copied = await copier.stop();
    expect(await Promise.all(mine.map((a) => a.exited))).toEqual([0, 0]);
    // one batch drawn per request (the random streams advanced once each): the numbers of the run without copies
    expect(numbersOf(run)).toEqual(numbersOf(await inThreadReference(c)));
    expect(learner.link().counts).toEqual({ acknowledgedBatches: 30, acknowledgedTrajectories: 30 * 16, duplicates: 0 });
    // each of the 30 requests and 30 acknowledgements came twice, the second with the same number
    expect(copied).toEqual({ request: 30, acknowledge: 30 });
    await expectAllAcknowledged(run, learner, 1, 'resend');
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
  const holder = await holderOf(processes, runId, slot);
  holder.process.kill('SIGKILL');
  return holder;
}

/** The process of `processes` whose process id the lease of slot `slot` of run `runId` (its first epoch) names. */
async function holderOf(processes: readonly TestWorker[], runId: string, slot: number): Promise<TestWorker> {
  const client = await connectRedis(redis.url);
  const incarnation = await client.get(runKeys(runId).lease(1, slot));
  await client.quit();
  const pid = Number(incarnation?.split(':')[1]);
  const holder = processes.find((a) => a.process.pid === pid);
  if (!holder) throw new Error(`no process of this test holds slot ${slot} (its lease: ${JSON.stringify(incarnation)})`);
  return holder;
}
