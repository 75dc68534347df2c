/** Total variation distance ½ Σ |p − q|. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkSameLength(p, q);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - q[i]!);
  return s / 2;
}

/**
 * Jensen–Shannon divergence in nats: ½ KL(P‖M) + ½ KL(Q‖M), M = (P+Q)/2, with P and Q clamped
 * below at 1e-20 (the reference code's convention, which keeps 0·log 0 finite).
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkSameLength(p, q);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.max(p[i]!, 1e-20);
    const b = Math.max(q[i]!, 1e-20);
    const m = (a + b) / 2;
    s += 0.5 * a * Math.log(a / m) + 0.5 * b * Math.log(b / m);
  }
  return s;
}

/**
 * KL(P‖Q) = Σ_{P>0} P·log(P/(Q + 1e-9)) in nats, the cross-library suite's convention (its exact
 * HyperGrid metric is KL(target ‖ P_T)): the 1e-9 keeps a state the sampler never reaches at a
 * finite cost, and makes numbers comparable with the published ones.
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkSameLength(p, q);
  let s = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) s += p[i]! * Math.log(p[i]! / (q[i]! + 1e-9));
  return s;
}

/** `logZ` and `logZError` = |log Ẑ − log Z| when the objective learns log Z (`learned`); nothing otherwise. */
export function learnedLogZMetrics(learned: number | undefined, logZ: number): Record<string, number> {
  return learned === undefined ? {} : { logZ: learned, logZError: Math.abs(learned - logZ) };
}

function checkSameLength(p: ArrayLike<number>, q: ArrayLike<number>): void {
  if (p.length !== q.length) throw new Error(`distributions have different lengths: ${p.length} vs ${q.length}`);
}
