import { describe, expect, it } from 'vitest';
import { samplingWorkersRunning } from '../../../plugins/node/pipeline/worker-actors.js';
import { registry, smallConfig } from '../run-helpers.js';
import { actorRun, inThread, numbersOf } from './actor-run.js';

/**
 * Two actor threads (each costs seconds to start under tsx, so one run serves every assertion): in
 * lockstep, the reproducible schedule, a run's numbers are those of the same config with its actors
 * in the learner's thread — which follow from the config alone (actor-schedules.test.ts runs them
 * twice) — bit for bit, while the two threads sample at once (maxLag 1: each batch is requested one
 * update ahead). The engine is the backend's: each thread would otherwise load ONNX Runtime too.
 */
describe('actors: 2 in worker threads, lockstep', () => {
  it('reproduces the run of the actors in this thread bit for bit; every accepted trajectory is trained on; no thread remains', async () => {
    const config = smallConfig({ iterations: 8, actors: 2, actorSchedule: 'lockstep', maxLag: 1, evaluation: { every: 0 }, engine: { name: 'backend' } });
    const threads = await actorRun(config, registry);
    expect(samplingWorkersRunning()).toBe(0);
    const reference = await actorRun(config, inThread);
    expect(threads.iterations).toHaveLength(8);
    expect(numbersOf(threads)).toEqual(numbersOf(reference));
    const last = threads.iterations.at(-1)!.actors!;
    // the first batch is drawn with the initial parameters while the learner waits; the others one update stale
    expect(last.staleness).toEqual([1, 7]);
    expect(last.droppedBatches).toBe(0);
    const trained = threads.freshTrajectories.reduce((a, b) => a + b, 0);
    expect(last.acceptedTrajectories).toBe(trained);
    expect(threads.iterations.at(-1)!.trajectoriesSeen).toBe(trained);
    expect(last.trajectoriesPerSecond.every((r) => r > 0)).toBe(true);
  });
});
