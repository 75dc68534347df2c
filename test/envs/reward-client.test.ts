import { describe, expect, it } from 'vitest';
import type { RewardBatchSource } from '../../core/env/reward-batch.js';
import { PermanentRewardError, RewardClient, type RewardClientOptions, RewardServiceError } from '../../core/env/reward-client.js';

const D = 2;
const OPTIONS: RewardClientOptions = { maxInFlight: 2, maxBatchSize: 4, cacheSize: 1000, timeoutMs: 5_000, retries: 2, backoffMs: 1 };

/** log R of a state (x, y): a function the tests can check answers against. */
const truth = (x: number, y: number): number => (x === 0 && y === 0 ? Number.NEGATIVE_INFINITY : -(x + 10 * y));

/** Flat states (i, i + offset) for i < n. */
function states(n: number, offset = 0): Int32Array {
  const out = new Int32Array(n * D);
  for (let i = 0; i < n; i++) out.set([i, i + offset], i * D);
  return out;
}

/**
 * A source that counts its concurrent and total calls and answers after `release()`d or at once;
 * `fail` lets it throw on chosen attempts, `hang` never answers (and records the abort signal).
 */
class FakeSource implements RewardBatchSource {
  readonly name = 'fake reward source';
  inFlight = 0;
  peak = 0;
  calls = 0;
  rows = 0;
  readonly sizes: number[] = [];
  aborted = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly behaviour: { gated?: boolean; failFirst?: number; hang?: boolean; answer?: (n: number) => Float64Array } = {}) {}

  /** Calls waiting for {@link release}. */
  get gatedCalls(): number {
    return this.waiting.length;
  }

  /** Lets every waiting call answer. */
  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  async rewardBatch(batch: Int32Array, count: number, signal?: AbortSignal): Promise<Float64Array> {
    this.calls++;
    this.rows += count;
    this.sizes.push(count);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      if (this.behaviour.hang) {
        signal?.addEventListener('abort', () => this.aborted++);
        return await new Promise<never>(() => undefined);
      }
      if (this.behaviour.gated) await new Promise<void>((go) => this.waiting.push(go));
      else await new Promise((go) => setImmediate(go));
      if (this.calls <= (this.behaviour.failFirst ?? 0)) throw new Error(`service unavailable (attempt ${this.calls})`);
      if (this.behaviour.answer) return this.behaviour.answer(count);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = truth(batch[i * D]!, batch[i * D + 1]!);
      return out;
    } finally {
      this.inFlight--;
    }
  }
}

/** Resolves once `predicate` holds, polling on the macrotask queue (bounded by the test's timeout). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((go) => setTimeout(go, 1));
}

describe('RewardClient', () => {
  it('answers the source log-rewards, split into calls of at most maxBatchSize states', async () => {
    const source = new FakeSource();
    const client = new RewardClient(source, D, OPTIONS);
    const values = await client.rewardBatch(states(10), 10);
    expect(Array.from(values)).toEqual(Array.from({ length: 10 }, (_, i) => truth(i, i)));
    expect(source.sizes.sort()).toEqual([2, 4, 4]);
    expect(values[0]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('never has more than maxInFlight calls waiting on the source, across concurrent requests', async () => {
    const source = new FakeSource({ gated: true });
    const client = new RewardClient(source, D, { ...OPTIONS, maxInFlight: 3, maxBatchSize: 2 });
    // 4 requests of 8 distinct states each: 16 calls of 2 states
    const requests = [0, 1, 2, 3].map((k) => client.rewardBatch(states(8, 100 * k), 8));
    let released = 0;
    while (released < 16) {
      const expected = Math.min(3, 16 - released);
      await until(() => source.gatedCalls === expected);
      for (let tick = 0; tick < 5; tick++) await new Promise((go) => setTimeout(go, 1)); // a call past the limit would start now
      expect(source.gatedCalls).toBe(expected);
      expect(source.inFlight).toBeLessThanOrEqual(3);
      released += expected;
      source.release();
    }
    await Promise.all(requests);
    expect(source.calls).toBe(16);
    expect(source.peak).toBe(3);
    expect(client.stats().peakInFlight).toBe(3);
  });

  it('answers cached states without calling the source, and asks once for a state requested twice', async () => {
    const source = new FakeSource();
    const client = new RewardClient(source, D, OPTIONS);
    await client.rewardBatch(states(6), 6);
    expect(source.rows).toBe(6);
    const twice = new Int32Array([...states(6), ...states(6)]);
    const again = await client.rewardBatch(twice, 12);
    expect(source.rows).toBe(6); // every state from the cache
    expect(Array.from(again.subarray(6))).toEqual(Array.from(again.subarray(0, 6)));
    expect(client.stats()).toMatchObject({ hits: 12, misses: 6, statesSent: 6 });
    // a fresh client asked for one state 5 times in one request sends it once
    const other = new FakeSource();
    await new RewardClient(other, D, OPTIONS).rewardBatch(new Int32Array(10).fill(7), 5);
    expect(other.rows).toBe(1);
  });

  it('a state asked for while a call for it is in flight waits on that call', async () => {
    const source = new FakeSource({ gated: true });
    const client = new RewardClient(source, D, OPTIONS);
    const first = client.rewardBatch(states(3), 3);
    const second = client.rewardBatch(states(3), 3);
    await until(() => source.inFlight === 1);
    source.release();
    expect(Array.from(await second)).toEqual(Array.from(await first));
    expect(source.rows).toBe(3);
  });

  it('cacheSize bounds the cache: the least recently used state is asked again', async () => {
    const source = new FakeSource();
    const client = new RewardClient(source, D, { ...OPTIONS, cacheSize: 4 });
    await client.rewardBatch(states(6), 6); // keeps states 2..5
    await client.rewardBatch(states(1), 1);
    expect(source.rows).toBe(7);
    const none = new FakeSource();
    const uncached = new RewardClient(none, D, { ...OPTIONS, cacheSize: 0 });
    await uncached.rewardBatch(states(2), 2);
    await uncached.rewardBatch(states(2), 2);
    expect(none.rows).toBe(4);
  });

  it('retries a call that fails twice, then succeeds', async () => {
    const source = new FakeSource({ failFirst: 2 });
    const client = new RewardClient(source, D, { ...OPTIONS, retries: 2 });
    const values = await client.rewardBatch(states(3, 1), 3);
    expect(Array.from(values)).toEqual([truth(0, 1), truth(1, 2), truth(2, 3)]);
    expect(source.calls).toBe(3);
    expect(client.stats()).toMatchObject({ calls: 3, retried: 2, inFlight: 0 });
  });

  it("times each answered call from its first attempt to its answer, the retries' backoff included", async () => {
    const source = new FakeSource({ failFirst: 2 });
    const client = new RewardClient(source, D, { ...OPTIONS, retries: 2, backoffMs: 20 });
    expect(client.stats().latency).toBeUndefined();
    await client.rewardBatch(states(3, 1), 3);
    await client.rewardBatch(states(2, 5), 2);
    const latency = client.stats().latency!;
    expect(latency.calls).toBe(2);
    // the first call waited 20 + 40 ms of backoff, the second none
    expect(latency.maxMs).toBeGreaterThanOrEqual(55);
    expect(latency.p50Ms).toBeLessThan(latency.maxMs);
  });

  it('fails the request, naming the source, the call and the last failure, once the retries are spent', async () => {
    const source = new FakeSource({ failFirst: 10 });
    const client = new RewardClient(source, D, { ...OPTIONS, retries: 1 });
    const error = await client.rewardBatch(states(3), 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RewardServiceError);
    expect((error as Error).message).toBe('fake reward source: reward call 1 (3 states) failed (2 attempts): service unavailable (attempt 2)');
    expect(source.calls).toBe(2);
    // a failed state is not cached: the next request asks again
    await client.rewardBatch(states(3), 3).catch(() => undefined);
    expect(source.calls).toBe(4);
  });

  it('times out a source that never answers, aborts it, retries, then fails the run with a clear error', async () => {
    const source = new FakeSource({ hang: true });
    const client = new RewardClient(source, D, { ...OPTIONS, timeoutMs: 50, retries: 2 });
    const error = await client.rewardBatch(states(2), 2).catch((e: unknown) => e);
    expect((error as Error).message).toBe('fake reward source: reward call 1 (2 states) failed (3 attempts): timed out after 50 ms');
    expect(source.calls).toBe(3);
    expect(source.aborted).toBe(3);
  }, 20_000);

  it('does not retry an answer that cannot be right', async () => {
    const short = new FakeSource({ answer: (n) => new Float64Array(n - 1) });
    const error = await new RewardClient(short, D, OPTIONS).rewardBatch(states(3), 3).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/call 1 \(3 states\) failed \(not retried\): the source answered 2 values for 3 states/);
    expect(short.calls).toBe(1);
    const infinite = new FakeSource({ answer: (n) => new Float64Array(n).fill(Number.POSITIVE_INFINITY) });
    await expect(new RewardClient(infinite, D, OPTIONS).rewardBatch(states(1), 1)).rejects.toThrow(/log-reward Infinity for state 0/);
    const refused: RewardBatchSource = { name: 'strict', rewardBatch: () => Promise.reject(new PermanentRewardError('HTTP 400 Bad Request')) };
    await expect(new RewardClient(refused, D, OPTIONS).rewardBatch(states(1), 1)).rejects.toThrow(
      'strict: reward call 1 (1 states) failed (not retried): HTTP 400 Bad Request',
    );
  });

  it('refuses bad options and bad batches by name', () => {
    const source = new FakeSource();
    expect(() => new RewardClient(source, D, { ...OPTIONS, maxInFlight: 0 })).toThrow('reward client: field "maxInFlight" = 0: must be an integer >= 1');
    expect(() => new RewardClient(source, D, { ...OPTIONS, retries: 1.5 })).toThrow('field "retries" = 1.5');
    return expect(new RewardClient(source, D, OPTIONS).rewardBatch(new Int32Array(3), 2)).rejects.toThrow(
      'fake reward source: rewardBatch got 3 state entries for count 2 x stateDim 2',
    );
  });
});
