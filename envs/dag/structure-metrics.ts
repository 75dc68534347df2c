import { ranks } from '../../core/evaluation/sampled/correlation.js';
import { edgeFrequencies } from './view.js';

/**
 * Structural Hamming distance between two DAGs on d nodes (row-major adjacency): the number of
 * node pairs {i, j} whose edge differs — missing, extra, or reversed (a reversal counts once).
 */
export function structuralHammingDistance(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let shd = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      if (a[i * d + j] !== b[i * d + j] || a[j * d + i] !== b[j * d + i]) shd++;
    }
  }
  return shd;
}

/**
 * Against the data-generating DAG, from N sampled DAGs (`N x d²`): the expected SHD (mean over the
 * samples) and the area under the ROC curve of the sampled edge marginals p̂(i → j) (fraction of
 * samples with the edge) as scores for the true edges, over the d(d−1) ordered pairs (ties share
 * their average rank; NaN when the truth has no edge or every pair).
 */
export function structureMetrics(samples: Int32Array, truth: Int32Array, d: number): { expectedShd: number; edgeAuroc: number } {
  const d2 = d * d;
  const n = samples.length / d2;
  let shd = 0;
  for (let s = 0; s < n; s++) shd += structuralHammingDistance(samples.subarray(s * d2, (s + 1) * d2), truth, d);
  const marginal = edgeFrequencies(samples, d);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (i === j) continue;
      scores.push(marginal[i * d + j]!);
      labels.push(truth[i * d + j]!);
    }
  }
  return { expectedShd: shd / n, edgeAuroc: auroc(scores, labels) };
}

/** AUROC by the Mann–Whitney statistic on (tie-averaged) ranks. */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const r = ranks(scores);
  let positives = 0;
  let rankSum = 0;
  for (let k = 0; k < labels.length; k++) {
    if (labels[k]) {
      positives++;
      rankSum += r[k]!;
    }
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
