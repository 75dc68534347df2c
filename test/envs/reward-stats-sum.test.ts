import { describe, expect, it } from 'vitest';
import type { RewardClientStats } from '../../core/env/reward-client.js';
import { sumRewardStats } from '../../core/env/reward-stats-sum.js';

const client = (n: number, latency?: RewardClientStats['latency']): RewardClientStats => ({
  hits: n,
  misses: 2 * n,
  statesSent: 3 * n,
  calls: 4 * n,
  retried: n % 2,
  inFlight: 1,
  peakInFlight: n,
  ...(latency ? { latency } : {}),
});

describe('the reward counters of several actors as one', () => {
  it('sums the counts, weights the mean latency by answered calls and takes the largest percentiles', () => {
    const a = client(1, { calls: 10, meanMs: 20, p50Ms: 18, p95Ms: 40, maxMs: 50 });
    const b = client(2, { calls: 30, meanMs: 10, p50Ms: 9, p95Ms: 25, maxMs: 80 });
    const c = client(3);
    expect(sumRewardStats([a, b, c])).toEqual({
      hits: 6,
      misses: 12,
      statesSent: 18,
      calls: 24,
      retried: 2,
      inFlight: 3,
      peakInFlight: 6,
      // (10 · 20 + 30 · 10) / 40
      latency: { calls: 40, meanMs: 12.5, p50Ms: 18, p95Ms: 40, maxMs: 80 },
    });
  });

  it('has no latency before any call is answered, and nothing for no clients', () => {
    expect(sumRewardStats([client(1), client(2)])?.latency).toBeUndefined();
    expect(sumRewardStats([])).toBeUndefined();
  });
});
