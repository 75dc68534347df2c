/**
 * Top-k mean reward R (not log R) and diversity — the mean pairwise distance — among the k
 * highest-reward rows of N samples (k is capped at N).
 */
export function topKMetrics(
  terminals: Int32Array,
  logRewards: ArrayLike<number>,
  k: number,
  stateDim: number,
  distance: (a: ArrayLike<number>, b: ArrayLike<number>) => number,
): { topKReward: number; topKDiversity: number } {
  const n = logRewards.length;
  const best = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => logRewards[b]! - logRewards[a]!)
    .slice(0, Math.min(k, n));
  let reward = 0;
  for (const i of best) reward += Math.exp(logRewards[i]!);
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < best.length; a++) {
    for (let b = a + 1; b < best.length; b++) {
      sum += distance(terminals.subarray(best[a]! * stateDim, (best[a]! + 1) * stateDim), terminals.subarray(best[b]! * stateDim, (best[b]! + 1) * stateDim));
      pairs++;
    }
  }
  return { topKReward: reward / best.length, topKDiversity: pairs > 0 ? sum / pairs : NaN };
}
