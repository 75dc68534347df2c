import { describe, expect, it } from 'vitest';
import { samplingWorkersRunning } from '../../../plugins/node/pipeline/worker-actors.js';
import { registry, smallConfig } from '../run-helpers.js';
import { actorRun, inThread, numbersOf } from './actor-run.js';

/**
 * The async schedule (the default of `actors`) through a worker thread. With one actor it is
 * reproducible whatever the timing: the actor holds one unacknowledged batch at a time and samples
 * its next only when the learner acknowledges, after publishing the parameters for it. With
 * maxLag 0 each batch drawn during an update is one update too stale: dropped, counted, and drawn
 * again with the current parameters (published to that actor alone).
 */
describe('actors: 1 in a worker thread, async, maxLag 0', () => {
  it('drops and counts the stale batches as the actor in this thread does, with the same numbers', async () => {
    const config = smallConfig({ iterations: 10, actors: 1, maxLag: 0, evaluation: { every: 0 }, engine: { name: 'backend' } });
    const thread = await actorRun(config, registry);
    expect(samplingWorkersRunning()).toBe(0);
    expect(numbersOf(thread)).toEqual(numbersOf(await actorRun(config, inThread)));
    expect(thread.iterations.map((e) => e.actors!.droppedBatches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(thread.iterations.at(-1)!.actors!.acceptedTrajectories).toBe(thread.freshTrajectories.reduce((a, b) => a + b, 0));
  });
});
