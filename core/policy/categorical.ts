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
 *
 * Each row takes one pass over its mask (the allowed actions' indices and the maximum), then works
 * on the allowed entries only: wide, sparsely allowed action spaces (bit sequences' 3,841 insert
 * actions, DAG edges) skip their masked entries twice. At temperature 1 and ε = 0 (the sampler's
 * own P_F) the multiplications by 1 and additions of 0 are left out: exact identities, so the
 * draws are the general formula's, bit for bit.
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
  // the allowed actions of the row and their exps, in action order
  const allowed = new Int32Array(nActions);
  const probs = new Float64Array(nActions);
  const invT = 1 / exploration.temperature;
  const tempered = invT !== 1;
  const eps = exploration.epsilon;
  for (let r = 0; r < rows; r++) {
    const off = r * nActions;
    let max = -Infinity;
    let nAllowed = 0;
    for (let a = 0; a < nActions; a++) {
      if (mask[off + a]) {
        allowed[nAllowed++] = a;
        const v = tempered ? logits[off + a]! * invT : logits[off + a]!;
        if (v > max) max = v;
      }
    }
    if (nAllowed === 0) throw new Error(`no allowed action in row ${r}`);
    let z = 0;
    for (let j = 0; j < nAllowed; j++) {
      const k = off + allowed[j]!;
      const p = Math.exp((tempered ? logits[k]! * invT : logits[k]!) - max);
      probs[j] = p;
      z += p;
    }
    let u = rng.uniform();
    let chosen = -1;
    for (let j = 0; j < nAllowed; j++) {
      const p = eps === 0 ? probs[j]! / z : (1 - eps) * (probs[j]! / z) + eps / nAllowed;
      chosen = allowed[j]!;
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
