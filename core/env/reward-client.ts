import { LRUCache } from 'lru-cache';
import pLimit, { type LimitFunction } from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import { LatencyWindow, type LatencySummary } from './latency-window.js';
import type { RewardBatchSource, WithRewardBatch } from './reward-batch.js';

/** How a {@link RewardClient} calls its source. Every field is required; the config's defaults are in `remote-reward.ts`. */
export interface RewardClientOptions {
  /** Most batches waiting on the source at once (≥ 1); further batches queue. */
  maxInFlight: number;
  /** Most states in one call to the source (≥ 1): larger requests are split, and their parts run concurrently up to `maxInFlight`. */
  maxBatchSize: number;
  /** Terminal states whose log-reward is kept, least recently used dropped first (0 = no cache). */
  cacheSize: number;
  /** Milliseconds one call may take before it is abandoned and counted as failed (≥ 1). */
  timeoutMs: number;
  /** Further attempts after a failed call (≥ 0); the call fails the run once they are spent. */
  retries: number;
  /** Wait before the first retry, in ms, doubling for each later one (≥ 0). */
  backoffMs: number;
}

/** What a {@link RewardClient} has done so far. */
export interface RewardClientStats {
  /** States answered from the cache. */
  hits: number;
  /** States not in the cache (asked of the source, or of a call already asking for them). */
  misses: number;
  /** States sent to the source, retries included. */
  statesSent: number;
  /** Calls made to the source, retries included. */
  calls: number;
  /** Calls that failed and were tried again. */
  retried: number;
  /** Calls waiting on the source now, and the most at any time. */
  inFlight: number;
  peakInFlight: number;
  /**
   * How long the last {@link LATENCY_WINDOW} answered calls took, from sending to the answer
   * (retries and their backoff included); absent until a call has been answered.
   */
  latency?: LatencySummary;
}

/** Answered calls whose durations {@link RewardClientStats.latency} summarizes (the most recent). */
export const LATENCY_WINDOW = 1000;

/** A call to a reward source that failed for good: names the source, the call and what went wrong. */
export class RewardServiceError extends Error {
  override readonly name = 'RewardServiceError';
}

/** A call that took longer than `timeoutMs`. */
class RewardTimeout extends Error {
  override readonly name = 'RewardTimeout';
}

/**
 * An error a source throws for a request that retrying cannot fix (a refused request, a malformed
 * answer): the client fails the call at once instead of spending its retries.
 */
export class PermanentRewardError extends Error {
  override readonly name = 'PermanentRewardError';
}

const INTEGER_BOUNDS: Record<keyof RewardClientOptions, number> = { maxInFlight: 1, maxBatchSize: 1, cacheSize: 0, timeoutMs: 1, retries: 0, backoffMs: 0 };

/** Throws, naming the field, its value and what is allowed, unless every option is an integer within its bound. */
export function checkRewardClientOptions(options: RewardClientOptions): void {
  for (const [field, min] of Object.entries(INTEGER_BOUNDS)) {
    const value = options[field as keyof RewardClientOptions];
    if (!Number.isInteger(value) || value < min) throw new Error(`reward client: field "${field}" = ${String(value)}: must be an integer >= ${min}`);
  }
}

/**
 * Wraps any {@link RewardBatchSource} for training: a cache keyed by the terminal state (LRU,
 * bounded, with hit and miss counts; a state asked for while a call for it is in flight waits on
 * that call), batching (a request is split into calls of at most `maxBatchSize` states, and the
 * states of concurrent requests are never asked twice), a concurrency limit (at most `maxInFlight`
 * calls wait on the source), a timeout per call, and bounded retries with exponential backoff. A
 * call that still fails rejects the request with a {@link RewardServiceError} naming the source,
 * the call and the last failure; the trainer treats it as the run's failure.
 *
 * The concurrency slot is held through a call's retries and their backoff, so a struggling source
 * never sees more than `maxInFlight` calls.
 */
export class RewardClient implements WithRewardBatch {
  private readonly limit: LimitFunction;
  private readonly cache: LRUCache<string, number> | undefined;
  /** Log-reward of each state a call is fetching now, by state key. */
  private readonly pending = new Map<string, Promise<number>>();
  private readonly counts: Omit<RewardClientStats, 'latency'> = { hits: 0, misses: 0, statesSent: 0, calls: 0, retried: 0, inFlight: 0, peakInFlight: 0 };
  private readonly latency = new LatencyWindow(LATENCY_WINDOW);
  private callNumber = 0;

  constructor(
    private readonly source: RewardBatchSource,
    private readonly stateDim: number,
    private readonly options: RewardClientOptions,
  ) {
    checkRewardClientOptions(options);
    if (!Number.isInteger(stateDim) || stateDim < 1) throw new Error(`reward client: stateDim = ${stateDim}: must be an integer >= 1`);
    this.limit = pLimit(options.maxInFlight);
    this.cache = options.cacheSize > 0 ? new LRUCache<string, number>({ max: options.cacheSize }) : undefined;
  }

  /** The name of the source it calls. */
  get name(): string {
    return this.source.name;
  }

  /** A snapshot of its counters and of its recent latency. */
  stats(): RewardClientStats {
    const latency = this.latency.summary();
    return { ...this.counts, ...(latency ? { latency } : {}) };
  }

  /** The log-rewards of `count` terminal states (flat `count x stateDim`), from the cache or the source. */
  async rewardBatch(states: Int32Array, count: number): Promise<Float64Array> {
    const d = this.stateDim;
    if (!Number.isInteger(count) || count < 0 || states.length !== count * d) {
      throw new Error(`${this.source.name}: rewardBatch got ${states.length} state entries for count ${count} x stateDim ${d}`);
    }
    const out = new Float64Array(count);
    const keys: string[] = [];
    const fresh: number[] = []; // rows whose state no cache entry and no call in flight answers
    const freshKeys = new Set<string>();
    for (let i = 0; i < count; i++) {
      const key = states.subarray(i * d, (i + 1) * d).join(',');
      keys.push(key);
      const cached = this.cache?.get(key);
      if (cached !== undefined) {
        out[i] = cached;
        this.counts.hits++;
        continue;
      }
      this.counts.misses++;
      if (!this.pending.has(key) && !freshKeys.has(key)) {
        freshKeys.add(key);
        fresh.push(i);
      }
    }
    for (let start = 0; start < fresh.length; start += this.options.maxBatchSize)
      this.request(states, keys, fresh.slice(start, start + this.options.maxBatchSize));
    const waits: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const pending = this.pending.get(keys[i]!);
      if (pending) waits.push(pending.then((value) => void (out[i] = value)));
    }
    await Promise.all(waits);
    return out;
  }

  /** Starts one call for `rows` of `states`, registering a pending answer for each of their keys. */
  private request(states: Int32Array, keys: readonly string[], rows: readonly number[]): void {
    const d = this.stateDim;
    const batch = new Int32Array(rows.length * d);
    rows.forEach((row, j) => batch.set(states.subarray(row * d, (row + 1) * d), j * d));
    const answer = this.limit(() => this.call(batch, rows.length));
    rows.forEach((row, j) => {
      const key = keys[row]!;
      const value = answer.then((values) => values[j]!);
      this.pending.set(key, value);
      // the requests awaiting `value` see its failure; this branch only keeps the books
      value
        .then(
          (v) => this.cache?.set(key, v),
          () => undefined,
        )
        .finally(() => {
          if (this.pending.get(key) === value) this.pending.delete(key);
        });
    });
  }

  /** One call to the source with its timeout and retries; counts it while it holds a slot. */
  private async call(batch: Int32Array, n: number): Promise<Float64Array> {
    const call = ++this.callNumber;
    const { retries, backoffMs, timeoutMs } = this.options;
    this.counts.inFlight++;
    this.counts.peakInFlight = Math.max(this.counts.peakInFlight, this.counts.inFlight);
    const start = performance.now();
    try {
      const values = await pRetry(() => this.attempt(batch, n), {
        retries,
        minTimeout: backoffMs,
        factor: 2,
        randomize: false,
        onFailedAttempt: ({ retriesLeft }) => {
          if (retriesLeft > 0) this.counts.retried++;
        },
      });
      this.latency.record(performance.now() - start);
      return values;
    } catch (error) {
      const attempts = error instanceof PermanentRewardError ? 'not retried' : `${retries + 1} attempt${retries === 0 ? '' : 's'}`;
      const what = error instanceof RewardTimeout ? `timed out after ${timeoutMs} ms` : describe(error);
      throw new RewardServiceError(`${this.source.name}: reward call ${call} (${n} states) failed (${attempts}): ${what}`, { cause: error });
    } finally {
      this.counts.inFlight--;
    }
  }

  /** One attempt, abandoned after `timeoutMs` even if the source ignores the abort signal. */
  private async attempt(batch: Int32Array, n: number): Promise<Float64Array> {
    this.counts.calls++;
    this.counts.statesSent += n;
    const controller = new AbortController();
    const { timeoutMs } = this.options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = new RewardTimeout(`no answer within ${timeoutMs} ms`);
        controller.abort(reason);
        reject(reason);
      }, timeoutMs);
    });
    try {
      const values = await Promise.race([this.source.rewardBatch(batch, n, controller.signal), timeout]);
      checkAnswer(values, n);
      return values;
    } catch (error) {
      // p-retry's AbortError ends the retries; the permanent error is its cause, read back by `call`
      if (error instanceof PermanentRewardError) throw new AbortError(error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Refuses an answer that is not one log-reward below +∞ per state. */
function checkAnswer(values: unknown, n: number): asserts values is Float64Array {
  if (!(values instanceof Float64Array) || values.length !== n) {
    const got = values instanceof Float64Array ? `${values.length} values` : typeof values;
    throw new PermanentRewardError(`the source answered ${got} for ${n} states (expected a Float64Array of ${n} log-rewards)`);
  }
  const bad = values.findIndex((v) => Number.isNaN(v) || v === Number.POSITIVE_INFINITY);
  if (bad >= 0) throw new PermanentRewardError(`log-reward ${values[bad]} for state ${bad} of the call (allowed: a number below +Infinity, or -Infinity)`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
