import type { HeatmapsView, ViewSource } from '../core/env/view.js';

/** Largest heatmap side: larger grids are shown in square blocks (sums of cells). */
export const MAX_VIEW_SIDE = 32;

/**
 * A HyperGrid reward in factorised form, R(s) = constant + Σ_t weight_t · Π_d factor_t[s_d]:
 * the step reward has two product terms (outer region, ring), the cosine reward one.
 */
export interface FactorisedReward {
  constant: number;
  terms: Array<{ weight: number; factor: Float64Array }>;
}

/** What the view needs from the grid. */
export interface GridShape {
  ndim: number;
  height: number;
  reward: FactorisedReward;
}

/**
 * The 2-D picture of a HyperGrid at one evaluation: the learned distribution (exact P_T, or the
 * frequencies of the evaluation's samples) next to the target R/Z, both as marginals over the
 * first two coordinates (rows s₀, columns s₁; for ndim = 1 a single row), in blocks of cells when
 * the side exceeds {@link MAX_VIEW_SIDE}. The target marginal is computed in closed form from the
 * factorised reward — O(H²), whatever ndim — so a sampled evaluation never enumerates the grid.
 * `terminating` must be over the states in index order (index = Σ_d s_d·H^(ndim−1−d)).
 */
export function hypergridView(grid: GridShape, source: ViewSource): HeatmapsView | undefined {
  const { ndim, height } = grid;
  const k = Math.min(ndim, 2);
  let learned: Float64Array;
  let learnedTitle: string;
  if (source.terminating) {
    learned = marginalOfTerminating(source.terminating, height, ndim - k);
    learnedTitle = 'learned P_T';
  } else if (source.samples && source.samples.length > 0) {
    learned = sampleFrequencies(source.samples, ndim, height, k);
    learnedTitle = `sampled frequency (${source.samples.length / ndim} samples)`;
  } else {
    return undefined;
  }
  const target = targetMarginal(grid, k);
  const block = Math.ceil(height / MAX_VIEW_SIDE);
  const side = Math.ceil(height / block);
  const rows = k === 2 ? side : 1;
  const marginal = ndim > k ? `, marginal over coordinates 2..${ndim - 1}` : '';
  const blocks = block > 1 ? ` (blocks of ${block})` : '';
  return {
    kind: 'heatmaps',
    title: `HyperGrid ${Array(ndim).fill(height).join('×')}: learned vs target${marginal}`,
    rows,
    cols: side,
    rowLabel: k === 2 ? `s₀${blocks}` : '',
    colLabel: `s${k === 2 ? '₁' : '₀'}${blocks}`,
    panels: [
      { title: learnedTitle, values: Array.from(blockSums(learned, height, k, block)) },
      { title: 'target R/Z', values: Array.from(blockSums(target, height, k, block)) },
    ],
  };
}

/** Σ over the last `rest` coordinates: the first coordinates are the most significant digits of the index. */
function marginalOfTerminating(pT: Float64Array, height: number, rest: number): Float64Array {
  const stride = height ** rest;
  const out = new Float64Array(pT.length / stride);
  for (let i = 0; i < pT.length; i++) out[Math.floor(i / stride)]! += pT[i]!;
  return out;
}

function sampleFrequencies(samples: Int32Array, ndim: number, height: number, k: number): Float64Array {
  const n = samples.length / ndim;
  const out = new Float64Array(height ** k);
  for (let i = 0; i < n; i++) {
    let cell = 0;
    for (let c = 0; c < k; c++) cell = cell * height + samples[i * ndim + c]!;
    out[cell]! += 1 / n;
  }
  return out;
}

/**
 * R/Z summed over all coordinates but the first k: with S_t = Σ_i factor_t[i],
 * Σ_rest R = constant·H^(D−k) + Σ_t weight_t·Π_{c<k} factor_t[i_c]·S_t^(D−k) and
 * Z = constant·H^D + Σ_t weight_t·S_t^D.
 */
export function targetMarginal(grid: GridShape, k: number): Float64Array {
  const { ndim, height, reward } = grid;
  const rest = ndim - k;
  const sums = reward.terms.map((t) => t.factor.reduce((a, b) => a + b, 0));
  let z = reward.constant * height ** ndim;
  reward.terms.forEach((t, i) => (z += t.weight * sums[i]! ** ndim));
  const out = new Float64Array(height ** k);
  for (let cell = 0; cell < out.length; cell++) {
    const coords = k === 2 ? [Math.floor(cell / height), cell % height] : [cell];
    let m = reward.constant * height ** rest;
    reward.terms.forEach((t, i) => (m += t.weight * coords.reduce((p, c) => p * t.factor[c]!, 1) * sums[i]! ** rest));
    out[cell] = m / z;
  }
  return out;
}

/** Sums `block x block` squares of a `height^k` matrix (a row of `height` for k = 1). */
function blockSums(values: Float64Array, height: number, k: number, block: number): Float64Array {
  if (block === 1) return values;
  const side = Math.ceil(height / block);
  const out = new Float64Array(k === 2 ? side * side : side);
  for (let cell = 0; cell < values.length; cell++) {
    const r = k === 2 ? Math.floor(Math.floor(cell / height) / block) : 0;
    const c = Math.floor((k === 2 ? cell % height : cell) / block);
    out[r * side + c]! += values[cell]!;
  }
  return out;
}
