import type { RewardClientStats } from './reward-client.js';

/**
 * The metrics a run with a reward service (config `reward`) adds to each iteration record of
 * `metrics.jsonl`, from its client's counters: calls, states sent, cache hits and misses and
 * retries so far (cumulative), and the mean and 95th percentile of the recent calls' latency (ms;
 * absent until a call has been answered). Named here once, for the trainer that publishes them and
 * the progress line that shows them.
 */
export function rewardMetrics(stats: RewardClientStats): Record<string, number> {
  return {
    rewardCalls: stats.calls,
    rewardStatesSent: stats.statesSent,
    rewardCacheHits: stats.hits,
    rewardCacheMisses: stats.misses,
    rewardRetries: stats.retried,
    ...(stats.latency ? { rewardLatencyMeanMs: round(stats.latency.meanMs), rewardLatencyP95Ms: round(stats.latency.p95Ms) } : {}),
  };
}

/**
 * The progress line's short account of the reward service, from an iteration's metrics:
 * ` | reward 23.1 ms (p95 41.0), 87% cached, 2 retries` (retries only when there were some); empty
 * for a run without one.
 */
export function rewardProgress(metrics: Readonly<Record<string, number>>): string {
  const { rewardCacheHits: hits, rewardCacheMisses: misses, rewardRetries: retries, rewardLatencyMeanMs: mean, rewardLatencyP95Ms: p95 } = metrics;
  if (hits === undefined || misses === undefined) return '';
  const latency = mean === undefined ? 'no answer yet' : `${mean.toFixed(1)} ms (p95 ${(p95 ?? mean).toFixed(1)})`;
  const cached = hits + misses > 0 ? `, ${Math.round((100 * hits) / (hits + misses))}% cached` : '';
  return ` | reward ${latency}${cached}${retries ? `, ${retries} retr${retries === 1 ? 'y' : 'ies'}` : ''}`;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
