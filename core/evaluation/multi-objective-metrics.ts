import { simplexLattice } from '../env/condition/preference-config.js';

/**
 * The reference point of every hypervolume here: the origin. The objectives are rewards R_i ≥ 0
 * (the multi-objective HyperGrid's lie in (0, 1]), so every point dominates it and the hypervolume
 * is the area (volume) under the points' attainment surface.
 */
export const HYPERVOLUME_REFERENCE = 0;

/** The R2 indicator's weight vectors: the simplex lattice of this step (21 vectors for 2 objectives, 231 for 3). */
export const R2_LATTICE_STEPS = 20;

/** Top-k diversity: the k best distinct samples of each preference. */
export const DIVERSITY_TOP_K = 10;

/**
 * The R2 indicator of a set of points (lower is better): the mean over the weight vectors λ of
 * min_y max_j λ_j·|z*_j − y_j|, the Tchebycheff distance of the set's best point for λ to the ideal
 * point z* (here the objectives' upper end).
 */
export function r2Indicator(points: ArrayLike<number>, k: number, ideal: readonly number[], steps = R2_LATTICE_STEPS): number {
  const weights = simplexLattice(k, steps);
  const n = points.length / k;
  if (n === 0) return Number.NaN;
  let total = 0;
  for (const lambda of weights) {
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      let worst = 0;
      for (let j = 0; j < k; j++) worst = Math.max(worst, lambda[j]! * Math.abs(ideal[j]! - points[i * k + j]!));
      best = Math.min(best, worst);
    }
    total += best;
  }
  return total / weights.length;
}

/**
 * Top-k diversity of one set of samples: the mean pairwise distance among its `topK` best distinct
 * states by `scores` (0 with fewer than two distinct states). `states` holds `d`-long rows.
 */
export function topKDiversity(
  states: Int32Array,
  d: number,
  scores: ArrayLike<number>,
  distance: (a: ArrayLike<number>, b: ArrayLike<number>) => number,
  topK = DIVERSITY_TOP_K,
): number {
  const seen = new Set<string>();
  const distinct: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const key = String(states.subarray(i * d, i * d + d));
    if (!seen.has(key)) {
      seen.add(key);
      distinct.push(i);
    }
  }
  const top = distinct.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, topK);
  if (top.length < 2) return 0;
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < top.length; a++) {
    for (let b = a + 1; b < top.length; b++) {
      sum += distance(states.subarray(top[a]! * d, top[a]! * d + d), states.subarray(top[b]! * d, top[b]! * d + d));
      pairs++;
    }
  }
  return sum / pairs;
}
