import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '#tensor-types';
import type { Rng } from '../base/rng.js';

/**
 * Added to the logits of disallowed actions. Large enough that exp() underflows to exactly 0 in
 * float32, small enough that arithmetic on it stays finite (−∞ would give NaN in 0·(−∞)).
 */
export const MASKED_LOGIT = -1e9;

/** Float32 penalty matrix: 0 where allowed, {@link MASKED_LOGIT} where not. */
export function maskPenalty(mask: Uint8Array): Float32Array {
  const p = new Float32Array(mask.length);
  for (let k = 0; k < mask.length; k++) if (!mask[k]) p[k] = MASKED_LOGIT;
  return p;
}

/**
 * Differentiable log-probabilities `log π(a_m | s_m)` of the taken actions under a masked softmax
 * of `logits` (M x A): logit of the action minus the log-sum-exp over allowed actions.
 * The taken logit is picked with a one-hot product rather than `gather`, whose gradient needs a
 * kernel (UnsortedSegmentSum) that the wasm backend lacks.
 */
export function takenLogProbs(logits: Tensor2D, mask: Uint8Array, actions: Int32Array): Tensor1D {
  return tf.tidy(() => {
    const [m, a] = logits.shape;
    const oneHot = new Float32Array(m * a);
    for (let k = 0; k < m; k++) oneHot[k * a + actions[k]!] = 1;
    const masked = tf.add(logits, tf.tensor2d(maskPenalty(mask), [m, a]));
    const picked = tf.sum(tf.mul(logits, tf.tensor2d(oneHot, [m, a])), 1);
    return tf.sub(picked, tf.logSumExp(masked, 1)) as Tensor1D;
  });
}

/** Differentiable masked log-softmax of all actions, M x A (masked entries ≈ {@link MASKED_LOGIT}). */
export function maskedLogSoftmax(logits: Tensor2D, mask: Uint8Array): Tensor2D {
  return tf.tidy(() => tf.logSoftmax(tf.add(logits, tf.tensor2d(maskPenalty(mask), logits.shape))) as Tensor2D);
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

/** Differentiable entropy of each row's masked softmax, M (disallowed actions contribute 0). */
export function maskedEntropy(logits: Tensor2D, mask: Uint8Array): Tensor1D {
  return tf.tidy(() => {
    const logp = maskedLogSoftmax(logits, mask);
    // disallowed: p = exp(≈ −1e9) = 0 exactly, and 0 · (−1e9) = 0
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as Tensor1D;
  });
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
