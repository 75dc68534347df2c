import type { Rng } from '../base/rng.js';
import { MASKED_LOGIT } from './masked-softmax.js';

export { MASKED_LOGIT, maskedEntropy, maskedLogSoftmax, maskedLogSumExp, takenLogProbs } from './masked-softmax.js';

/** Float32 penalty matrix: 0 where allowed, {@link MASKED_LOGIT} where not. */
export function maskPenalty(mask: Uint8Array): Float32Array {
  const p = new Float32Array(mask.length);
  for (let k = 0; k < mask.length; k++) if (!mask[k]) p[k] = MASKED_LOGIT;
  return p;
}

/** Options of the behaviour policy used for sampling. */
export interface ExplorationOptions {
  /** Probability of replacing the policy by the uniform distribution over allowed actions. */
  epsilon: number;
  /** Logits are divided by this before the softmax. */
  temperature: number;
}

/**
 * Samples one action per row from the masked softmax of `logits` (rows x A, host memory),
 * mixed with the uniform distribution over allowed actions with weight ε.
 */
export function sampleMaskedCategorical(
  logits: Float32Array,
  mask: Uint8Array,
  nActions: number,
  rng: Rng,
  exploration: ExplorationOptions = { epsilon: 0, temperature: 1 },
): Int32Array {
  const rows = mask.length / nActions;
  const out = new Int32Array(rows);
  const probs = new Float64Array(nActions);
  const invT = 1 / exploration.temperature;
  for (let r = 0; r < rows; r++) {
    const off = r * nActions;
    let max = -Infinity;
    let nAllowed = 0;
    for (let a = 0; a < nActions; a++) {
      if (mask[off + a]) {
        nAllowed++;
        const v = logits[off + a]! * invT;
        if (v > max) max = v;
      }
    }
    if (nAllowed === 0) throw new Error(`no allowed action in row ${r}`);
    let z = 0;
    for (let a = 0; a < nActions; a++) {
      const p = mask[off + a] ? Math.exp(logits[off + a]! * invT - max) : 0;
      probs[a] = p;
      z += p;
    }
    const eps = exploration.epsilon;
    let u = rng.uniform();
    let chosen = -1;
    for (let a = 0; a < nActions; a++) {
      if (!mask[off + a]) continue;
      const p = (1 - eps) * (probs[a]! / z) + eps / nAllowed;
      chosen = a;
      if (u < p) break;
      u -= p;
    }
    out[r] = chosen;
  }
  return out;
}

/** Samples uniformly among allowed actions of each row. */
export function sampleUniformAllowed(mask: Uint8Array, nActions: number, rng: Rng): Int32Array {
  const rows = mask.length / nActions;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let a = 0; a < nActions; a++) n += mask[r * nActions + a]!;
    if (n === 0) throw new Error(`no allowed action in row ${r}`);
    let k = rng.int(n);
    for (let a = 0; a < nActions; a++) {
      if (!mask[r * nActions + a]) continue;
      if (k === 0) {
        out[r] = a;
        break;
      }
      k--;
    }
  }
  return out;
}

/** Host log-probabilities of `actions` (one per row) under the masked softmax of `logits` (rows x A). */
export function maskedLogProbsOf(logits: Float32Array, mask: Uint8Array, nActions: number, actions: ArrayLike<number>): Float32Array {
  const rows = actions.length;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const off = r * nActions;
    let max = -Infinity;
    for (let a = 0; a < nActions; a++) if (mask[off + a]) max = Math.max(max, logits[off + a]!);
    let z = 0;
    for (let a = 0; a < nActions; a++) if (mask[off + a]) z += Math.exp(logits[off + a]! - max);
    const a = actions[r]!;
    if (!mask[off + a]) throw new Error(`action ${a} is not allowed in row ${r}`);
    out[r] = logits[off + a]! - max - Math.log(z);
  }
  return out;
}
