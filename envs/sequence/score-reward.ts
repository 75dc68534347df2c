/**
 * The reward transform of the data-backed sequence tasks (the paper's code):
 * R(x) = max(y(x), 1e−3)^β · 10 / max_x' max(y(x'), 1e−3)^β, i.e. scores clipped below at 1e−3,
 * sharpened by the exponent β and scaled so that the best sequence has reward 10.
 * Computed in log space and float64: log R = β·log max(y, 1e−3) + log 10 − max_x' β·log max(y', 1e−3).
 */
export function scaledLogRewards(scores: Float32Array, exponent: number): Float64Array {
  if (!(exponent > 0) || !Number.isFinite(exponent)) throw new Error(`reward exponent must be a positive number, got ${exponent}`);
  const out = new Float64Array(scores.length);
  let max = -Infinity;
  for (let j = 0; j < scores.length; j++) {
    const v = exponent * Math.log(Math.max(scores[j]!, 1e-3));
    out[j] = v;
    if (v > max) max = v;
  }
  const shift = Math.log(10) - max;
  for (let j = 0; j < out.length; j++) out[j]! += shift;
  return out;
}

/**
 * Indices of the `k` largest values, largest first; ties are broken by the smaller index (a stable
 * sort), so the selection is deterministic.
 */
export function topIndices(values: Float64Array, k: number): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, j) => j);
  order.sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, k);
}
