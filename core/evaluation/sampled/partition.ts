import { logSumExp } from '../../base/log-sum-exp.js';

/** log Z estimates from forward samples. */
export interface PartitionEstimates {
  /** mean_τ w, a lower bound on log Z in expectation (the ELBO). */
  elbo: number;
  /** logsumexp(w) − log N, the importance-weighted estimate (consistent, biased low for finite N). */
  logZIs: number;
  /** Effective sample size 1 / Σ softmax(w)², in [1, N]. */
  ess: number;
}

/**
 * From N trajectories τ ~ P_F with log-weights w = log R(x) + log P_B(τ|x) − log P_F(τ):
 * E[w] ≤ log Z (Jensen), E[exp w] = Z, and the ESS of the normalised weights measures how far
 * P_F(τ) is from P_B(τ|x)R(x)/Z.
 */
export function partitionEstimates(logRewards: ArrayLike<number>, logPF: ArrayLike<number>, logPB: ArrayLike<number>): PartitionEstimates {
  const n = logRewards.length;
  if (n === 0) throw new Error('partitionEstimates: no samples');
  const w = Float64Array.from({ length: n }, (_, i) => logRewards[i]! + logPB[i]! - logPF[i]!);
  let elbo = 0;
  for (const v of w) elbo += v;
  elbo /= n;
  const lse = logSumExp(w);
  let sq = 0;
  for (const v of w) sq += Math.exp(2 * (v - lse));
  return { elbo, logZIs: lse - Math.log(n), ess: 1 / sq };
}
