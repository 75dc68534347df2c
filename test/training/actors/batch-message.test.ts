import { describe, expect, it } from 'vitest';
import { Trajectories } from '../../../core/sampling/trajectories.js';
import type { ActorBatch } from '../../../core/sampling/actor-link.js';
import { actorBatchOf, batchMessage } from '../../../plugins/node/pipeline/messages.js';
import { batchFields, batchOf, fieldsOf } from '../../../plugins/node/redis-actors/wire.js';

describe('a batch between an actor and the learner', () => {
  it('arrives as it was sent, the reward client’s counters included, its arrays moved', () => {
    // two trajectories of a 1-D chain: 0 → 1 → exit, and 0 → exit
    const trajectories = new Trajectories(
      'forward',
      2,
      2,
      1,
      Int32Array.from([0, 0, 1, -1, -1, -1]),
      Int32Array.from([0, 1, 1, -1]),
      Int32Array.from([2, 1]),
      Float64Array.from([-1, -2]),
    );
    const batch: ActorBatch = {
      actor: 1,
      sequence: 4,
      trajectories,
      behaviourLogProb: Float64Array.from([-0.5, -0.7]),
      parameterVersion: 3,
      exploration: { epsilon: 0.1, temperature: 1 },
      rngState: [1, 2, 3, 4],
      rewardStats: {
        hits: 1,
        misses: 2,
        statesSent: 2,
        calls: 1,
        retried: 0,
        inFlight: 0,
        peakInFlight: 1,
        latency: { calls: 1, meanMs: 3, p50Ms: 3, p95Ms: 3, maxMs: 3 },
      },
    };
    const expected = structuredClone(batch);
    const { message, transfer } = batchMessage(batch);
    const received = actorBatchOf(structuredClone(message, { transfer }));
    expect(received).toEqual(expected);
    // the arrays were moved, not copied: states, actions, lengths, behaviour log q, and a copy of the
    // log-rewards (an environment may hand out a view of memory it reuses), whose original stays
    expect(trajectories.states.byteLength).toBe(0);
    expect(transfer).toHaveLength(5);
    expect(trajectories.logRewards).toEqual(Float64Array.from([-1, -2]));
  });

  it('over Redis: a stream entry’s fields read back as the batch, the counters included, and without them when there are none', () => {
    const t = new Trajectories('forward', 1, 2, 1, Int32Array.from([0, 1, -1]), Int32Array.from([1, 1]), Int32Array.from([2]), Float64Array.from([-3]));
    const rewardStats = { hits: 0, misses: 1, statesSent: 1, calls: 1, retried: 1, inFlight: 0, peakInFlight: 1 };
    const batch: ActorBatch = {
      actor: 2,
      sequence: 9,
      trajectories: t,
      behaviourLogProb: Float64Array.from([-1.5]),
      parameterVersion: 7,
      exploration: { epsilon: 0, temperature: 1 },
      rngState: [5, 6],
      rewardStats,
    };
    const entry = (b: ActorBatch) => fieldsOf(batchFields(b, 'p1').map((f) => (typeof f === 'string' ? Buffer.from(f) : Buffer.from(f))));
    expect(batchOf(entry(batch))).toEqual({ batch, incarnation: 'p1' });
    const { rewardStats: _, ...plain } = batch;
    expect(batchOf(entry(plain))).toEqual({ batch: plain, incarnation: 'p1' });
  });

  it('carries no counters when the reward is the environment’s own', () => {
    const t = new Trajectories('forward', 1, 1, 1, Int32Array.from([0, -1]), Int32Array.from([0]), Int32Array.from([1]), Float64Array.from([0]));
    const batch: ActorBatch = {
      actor: 0,
      sequence: 0,
      trajectories: t,
      behaviourLogProb: Float64Array.from([0]),
      parameterVersion: 0,
      exploration: { epsilon: 0, temperature: 1 },
      rngState: [0],
    };
    const { message } = batchMessage(batch);
    expect('rewardStats' in actorBatchOf(structuredClone(message))).toBe(false);
  });
});
