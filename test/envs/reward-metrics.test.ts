import { describe, expect, it } from 'vitest';
import { LatencyWindow } from '../../core/env/latency-window.js';
import type { RewardClientStats } from '../../core/env/reward-client.js';
import { rewardMetrics, rewardProgress } from '../../core/env/reward-metrics.js';

const STATS: RewardClientStats = { hits: 270, misses: 30, statesSent: 34, calls: 5, retried: 2, inFlight: 0, peakInFlight: 2 };

describe('the latency window', () => {
  it('summarizes only the most recent calls, with nearest-rank percentiles', () => {
    const window = new LatencyWindow(20);
    expect(window.summary()).toBeUndefined();
    for (let ms = 1; ms <= 20; ms++) window.record(ms);
    expect(window.summary()).toEqual({ calls: 20, meanMs: 10.5, p50Ms: 10, p95Ms: 19, maxMs: 20 });
    // 20 more calls of 100 ms push every earlier one out
    for (let k = 0; k < 20; k++) window.record(100);
    expect(window.summary()).toEqual({ calls: 20, meanMs: 100, p50Ms: 100, p95Ms: 100, maxMs: 100 });
    expect(() => new LatencyWindow(0)).toThrow('latency window: size = 0: must be an integer >= 1');
  });
});

describe('the reward metrics', () => {
  it('name the counters for metrics.jsonl, with the latency once a call has been answered', () => {
    expect(rewardMetrics(STATS)).toEqual({ rewardCalls: 5, rewardStatesSent: 34, rewardCacheHits: 270, rewardCacheMisses: 30, rewardRetries: 2 });
    const latency = { calls: 5, meanMs: 23.12345, p50Ms: 20, p95Ms: 41.00049, maxMs: 45 };
    expect(rewardMetrics({ ...STATS, latency })).toMatchObject({ rewardLatencyMeanMs: 23.123, rewardLatencyP95Ms: 41 });
  });

  it('make a short part of the progress line, empty without a reward service', () => {
    const latency = { calls: 5, meanMs: 23.12, p50Ms: 20, p95Ms: 41, maxMs: 45 };
    expect(rewardProgress(rewardMetrics({ ...STATS, latency }))).toBe(' | reward 23.1 ms (p95 41.0), 90% cached, 2 retries');
    expect(rewardProgress(rewardMetrics({ ...STATS, retried: 1, latency }))).toBe(' | reward 23.1 ms (p95 41.0), 90% cached, 1 retry');
    expect(rewardProgress(rewardMetrics({ ...STATS, retried: 0, latency }))).toBe(' | reward 23.1 ms (p95 41.0), 90% cached');
    expect(rewardProgress({ loss: 1 })).toBe('');
  });
});
