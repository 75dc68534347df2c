import type { Rng } from '../core/base/rng.js';

/** The reward options the factorisation needs (see HyperGridOptions). */
interface FactorOptions {
  height: number;
  R0: number;
  R1: number;
  R2: number;
  rewardCos: boolean;
}

/**
 * Per-coordinate factors of the rewards at coordinate value v, with a = |v/(H−1) − ½|: the outer
 * region 1[a > 0.25], the ring 1[0.3 < a < 0.4], and the cosine factor (cos(50a) + 1)·φ(5a).
 */
export function coordinateFactors(v: number, height: number): { outer: number; ring: number; cos: number } {
  const a = Math.abs(v / (height - 1) - 0.5);
  return {
    outer: a > 0.25 ? 1 : 0,
    ring: a > 0.3 && a < 0.4 ? 1 : 0,
    cos: ((Math.cos(50 * a) + 1) * Math.exp(-((5 * a) ** 2) / 2)) / Math.sqrt(2 * Math.PI),
  };
}

/**
 * The HyperGrid reward as R(s) = R0 + Σ_j w_j·Π_d f_j(s_d): per-coordinate factors f_j over the
 * H cells of one coordinate (outer-region and ring indicators with w = R1, R2; or the cosine factor
 * with w = R1). Everything about the reward at any dimension follows from these H-long tables.
 */
export function hyperGridFactors(options: FactorOptions): {
  terms: { weight: number; factor: Float64Array }[];
  logPartition(ndim: number): number;
  maxReward(ndim: number): number;
  maxRewardCells(ndim: number): number;
} {
  const { height, R0, R1, R2, rewardCos } = options;
  const table = (pick: (f: ReturnType<typeof coordinateFactors>) => number): Float64Array =>
    Float64Array.from({ length: height }, (_, i) => pick(coordinateFactors(i, height)));
  const terms = rewardCos
    ? [{ weight: R1, factor: table((f) => f.cos) }]
    : [
        { weight: R1, factor: table((f) => f.outer) },
        { weight: R2, factor: table((f) => f.ring) },
      ];
  const sum = (f: Float64Array): number => f.reduce((x, y) => x + y, 0);
  return {
    terms,
    logPartition: (ndim) => {
      const logs = [Math.log(R0) + ndim * Math.log(height), ...terms.map((t) => Math.log(t.weight) + ndim * Math.log(sum(t.factor)))];
      const max = Math.max(...logs);
      return max + Math.log(logs.reduce((acc, l) => acc + (l === -Infinity ? 0 : Math.exp(l - max)), 0));
    },
    maxReward: (ndim) => {
      // the step reward's ring lies inside the outer region: cells in the ring everywhere collect both terms
      if (rewardCos) return R0 + R1 * Math.max(...terms[0]!.factor) ** ndim;
      const ring = sum(terms[1]!.factor) > 0;
      const outer = sum(terms[0]!.factor) > 0;
      return R0 + (outer ? R1 : 0) + (ring ? R2 : 0);
    },
    maxRewardCells: (ndim) => {
      const best = rewardCos
        ? terms[0]!.factor
        : sum(terms[1]!.factor) > 0
          ? terms[1]!.factor
          : sum(terms[0]!.factor) > 0
            ? terms[0]!.factor
            : Float64Array.from({ length: height }, () => 1);
      const top = Math.max(...best);
      return best.filter((v) => v === top).length ** ndim;
    },
  };
}

/**
 * A seeded test set of `n` cells: a third uniform over the grid, a third uniform over the outer
 * region and a third over the ring (a region with no cells is replaced by uniform draws), so that
 * log R takes all its levels even in high dimension, where uniform cells are almost all background.
 */
export function hyperGridTestSet(options: FactorOptions, ndim: number, n: number, rng: Rng): Int32Array {
  const { terms } = hyperGridFactors({ ...options, rewardCos: false });
  const cellsOf = (f: Float64Array): number[] => Array.from(f.keys()).filter((i) => f[i]! > 0);
  const all = Array.from({ length: options.height }, (_, i) => i);
  const pools = [all, cellsOf(terms[0]!.factor), cellsOf(terms[1]!.factor)].map((p) => (p.length > 0 ? p : all));
  const out = new Int32Array(n * ndim);
  for (let r = 0; r < n; r++) {
    const pool = pools[r % 3]!;
    for (let c = 0; c < ndim; c++) out[r * ndim + c] = pool[rng.int(pool.length)]!;
  }
  return out;
}
