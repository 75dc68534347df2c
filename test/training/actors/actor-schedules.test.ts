import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import { TOKENS } from '../../../core/di/tokens.js';
import { createRunContainer } from '../../../core/run/container.js';
import { actorSeed } from '../../../core/sampling/actor-link.js';
import { explorationAt } from '../../../core/sampling/exploration.js';
import { InThreadTrajectorySource } from '../../../core/sampling/trajectory-source.js';
import { recordDraws, smallConfig } from '../run-helpers.js';
import { actorRun, inThread, numbersOf } from './actor-run.js';

/** A small run with actors in this thread (no evaluation: only the schedule is under test). */
const config = (patch: Record<string, unknown>) => smallConfig({ iterations: 10, evaluation: { every: 0 }, ...patch }, inThread);

describe('actors: the schedules (actors in this thread)', () => {
  it('lockstep: batch k is drawn by actor (k − 1) mod N from its own seed with the parameters of update max(0, k − 1 − maxLag)', async () => {
    const c = config({ actors: 2, actorSchedule: 'lockstep', maxLag: 2, sampler: { epsilon: 0.1 } });
    const { snapshots, fresh } = await recordDraws(c, inThread);
    expect(fresh).toHaveLength(10);
    // the same draws, batch by batch, from each actor's stream on a network of its own
    const container = createRunContainer({ ...c, actors: 0 }, inThread, 'wasm');
    const sources = [0, 1].map(
      (a) => new InThreadTrajectorySource(container.get(TOKENS.Environment), container.get(TOKENS.ForwardEstimator), new Rng(actorSeed(c.seed, a))),
    );
    for (let k = 1; k <= 10; k++) {
      const version = Math.max(0, k - 3);
      const source = sources[(k - 1) % 2]!;
      source.request({ n: c.batchSize, exploration: explorationAt(c.sampler, k - 1) }, { version, values: snapshots[version]! });
      const batch = await source.next();
      expect(batch.parameterVersion).toBe(version);
      expect(batch.trajectories.actions, `batch ${k}`).toEqual(fresh[k - 1]!.actions);
      expect(batch.trajectories.logRewards).toEqual(fresh[k - 1]!.logRewards);
    }
    // each actor has a stream of its own: batch 2 is not what actor 0's stream would draw
    const shared = new InThreadTrajectorySource(container.get(TOKENS.Environment), container.get(TOKENS.ForwardEstimator), new Rng(actorSeed(c.seed, 0)));
    shared.request({ n: c.batchSize, exploration: explorationAt(c.sampler, 1) }, { version: 0, values: snapshots[0]! });
    expect((await shared.next()).trajectories.actions).not.toEqual(fresh[1]!.actions);
    expect(container.dispose()).toEqual([]);
  });

  it('pipeline: true is one actor in lockstep with maxLag 1: the same numbers', async () => {
    const pipeline = await actorRun(config({ pipeline: true }), inThread);
    const actors = await actorRun(config({ actors: 1, actorSchedule: 'lockstep', maxLag: 1 }), inThread);
    expect(numbersOf(actors)).toEqual(numbersOf(pipeline));
    expect(actors.iterations.at(-1)!.actors!.staleness).toEqual([1, 9]);
  });

  it.each([
    ['TB-U', { name: 'tb', backward: 'uniform' }],
    ['DB', { name: 'db' }],
    ['SubTB', { name: 'subtb' }],
    ['RL-U (importance weights from the recorded log q)', { name: 'rl', backward: 'uniform', value: { hidden: [16] } }],
  ])('%s trains on two actors in lockstep: the same config gives the same numbers, the lag changes them', async (_label, objective) => {
    const c = config({ objective, actors: 2, actorSchedule: 'lockstep', maxLag: 0, iterations: 6 });
    const a = await actorRun(c, inThread);
    const b = await actorRun(c, inThread);
    const stale = await actorRun({ ...c, maxLag: 2 }, inThread);
    expect(numbersOf(b)).toEqual(numbersOf(a));
    expect(a.iterations.map((e) => e.metrics.loss)).not.toEqual(stale.iterations.map((e) => e.metrics.loss));
    expect(a.iterations.every((e) => Object.values(e.metrics).every(Number.isFinite))).toBe(true);
    expect(a.iterations.at(-1)!.actors!.staleness).toEqual([6]);
  });

  it('async, one actor, maxLag 0: every batch drawn before the update it would train is dropped and counted, and the actor draws afresh', async () => {
    // the actor samples batch 2 with the parameters of update 0 while update 1 runs: one update too
    // stale for maxLag 0, so it is dropped and re-drawn with the current parameters; so on for each update
    const run = await actorRun(config({ actors: 1, actorSchedule: 'async', maxLag: 0 }), inThread);
    const stats = run.iterations.map((e) => e.actors!);
    expect(stats.map((s) => s.droppedBatches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stats.at(-1)!.droppedTrajectories).toBe(9 * 16);
    expect(stats.at(-1)!.staleness).toEqual([10]);
    // trained on = accepted; received = accepted + dropped
    const trained = run.freshTrajectories.reduce((x, y) => x + y, 0);
    expect(stats.at(-1)!.acceptedTrajectories).toBe(trained);
    expect(run.iterations.at(-1)!.trajectoriesSeen).toBe(trained);
  });

  it('async, two actors, maxLag 1: staleness stays within the bound, drops are counted, and trained = accepted', async () => {
    const c = config({ actors: 2, actorSchedule: 'async', maxLag: 1, iterations: 12 });
    const run = await actorRun(c, inThread);
    const last = run.iterations.at(-1)!.actors!;
    expect(last.staleness.length).toBeLessThanOrEqual(2);
    expect(last.staleness.reduce((x, y) => x + y, 0)).toBe(12);
    expect(last.droppedBatches).toBeGreaterThan(0);
    expect(last.acceptedTrajectories).toBe(run.freshTrajectories.reduce((x, y) => x + y, 0));
    // the actors in this thread follow the learner's calls alone: a second run is the same
    expect(numbersOf(await actorRun(c, inThread))).toEqual(numbersOf(run));
  });
});
