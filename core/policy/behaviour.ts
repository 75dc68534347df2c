import type { ExplorationOptions } from './categorical.js';

/**
 * Host log-probabilities of `actions` (one per row) under the sampler's behaviour policy for
 * `logits` (rows x A): q(a|s) = (1 − ε) · softmax(logits / T)_a + ε / |allowed actions|, the
 * distribution {@link sampleMaskedCategorical} draws from. Float64 throughout, so that importance
 * weights built from it are as exact as the logits.
 */
export function behaviourLogProbs(
  logits: ArrayLike<number>,
  mask: Uint8Array,
  nActions: number,
  actions: ArrayLike<number>,
  exploration: ExplorationOptions,
): Float64Array {
  const rows = actions.length;
  const out = new Float64Array(rows);
  const invT = 1 / exploration.temperature;
  const eps = exploration.epsilon;
  for (let r = 0; r < rows; r++) {
    const off = r * nActions;
    const a = actions[r]!;
    if (!mask[off + a]) throw new Error(`action ${a} is not allowed in row ${r}`);
    let max = -Infinity;
    let nAllowed = 0;
    for (let b = 0; b < nActions; b++) {
      if (!mask[off + b]) continue;
      nAllowed++;
      max = Math.max(max, logits[off + b]! * invT);
    }
    let z = 0;
    for (let b = 0; b < nActions; b++) if (mask[off + b]) z += Math.exp(logits[off + b]! * invT - max);
    const p = Math.exp(logits[off + a]! * invT - max) / z;
    out[r] = Math.log((1 - eps) * p + eps / nAllowed);
  }
  return out;
}
