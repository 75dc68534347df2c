/** Recent latency: how many calls it covers, their mean, median, 95th percentile and maximum, in ms. */
export interface LatencySummary {
  calls: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * The durations of the last `size` calls, so that a summary says how the service answers now
 * rather than averaging over a whole run. A fixed ring: recording is O(1) and memory is bounded.
 */
export class LatencyWindow {
  private readonly values: Float64Array;
  /** Durations recorded in all (the ring holds the last `size` of them). */
  private recorded = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`latency window: size = ${size}: must be an integer >= 1`);
    this.values = new Float64Array(size);
  }

  /** Adds one call's duration (ms). */
  record(ms: number): void {
    this.values[this.recorded % this.size] = ms;
    this.recorded++;
  }

  /** The summary of the durations held, or undefined before the first. Percentiles are nearest-rank. */
  summary(): LatencySummary | undefined {
    const n = Math.min(this.recorded, this.size);
    if (n === 0) return undefined;
    const sorted = this.values.slice(0, n).sort();
    const rank = (q: number): number => sorted[Math.max(0, Math.ceil(q * n) - 1)]!;
    let sum = 0;
    for (const v of sorted) sum += v;
    return { calls: n, meanMs: sum / n, p50Ms: rank(0.5), p95Ms: rank(0.95), maxMs: sorted[n - 1]! };
  }
}
