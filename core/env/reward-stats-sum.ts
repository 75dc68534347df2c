import type { RewardClientStats } from './reward-client.js';

/**
 * The counters of several reward clients as one (each sampling actor scores its batches through a
 * client of its own; docs/actors.md): calls, states, cache hits and misses, retries and calls in
 * flight are summed (the peak too: an upper bound of the clients' joint peak); the latency's call
 * count is summed, its mean weighted by each client's answered calls, and its percentiles and maximum
 * are the largest client's (percentiles of separate windows cannot be merged exactly: the slowest
 * actor's is the one that bounds the run). Undefined for no clients.
 */
export function sumRewardStats(stats: readonly RewardClientStats[]): RewardClientStats | undefined {
  if (stats.length === 0) return undefined;
  const sum = (pick: (s: RewardClientStats) => number): number => stats.reduce((a, s) => a + pick(s), 0);
  const latencies = stats.flatMap((s) => (s.latency ? [s.latency] : []));
  const calls = latencies.reduce((a, l) => a + l.calls, 0);
  const largest = (pick: (l: NonNullable<RewardClientStats['latency']>) => number): number => Math.max(...latencies.map(pick));
  return {
    hits: sum((s) => s.hits),
    misses: sum((s) => s.misses),
    statesSent: sum((s) => s.statesSent),
    calls: sum((s) => s.calls),
    retried: sum((s) => s.retried),
    inFlight: sum((s) => s.inFlight),
    peakInFlight: sum((s) => s.peakInFlight),
    ...(latencies.length > 0 && calls > 0
      ? {
          latency: {
            calls,
            meanMs: latencies.reduce((a, l) => a + l.meanMs * l.calls, 0) / calls,
            p50Ms: largest((l) => l.p50Ms),
            p95Ms: largest((l) => l.p95Ms),
            maxMs: largest((l) => l.maxMs),
          },
        }
      : {}),
  };
}
