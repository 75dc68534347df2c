import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D } from '#tensor-types';
import { maskedLogSoftmax } from '../../core/policy/categorical.js';

/** One minibatch of PPO: network outputs at the current parameters and what the rollout recorded. */
export interface PpoLossInputs {
  /** Policy logits of the minibatch's observations, M x A (differentiable). */
  logits: Tensor2D;
  /** Value estimates V(s) of the same observations, M (differentiable). */
  values: Tensor1D;
  /** Allowed actions, M x A, 1 = allowed. */
  masks: Uint8Array;
  /** Actions taken. */
  actions: Int32Array;
  /** log π_old(a|s) recorded when the action was sampled. */
  oldLogProbs: ArrayLike<number>;
  /** GAE advantages (normalised here when asked). */
  advantages: ArrayLike<number>;
  /** Value targets (λ-returns). */
  returns: ArrayLike<number>;
}

/** The coefficients of the PPO loss. */
export interface PpoLossOptions {
  /** ε of the clipped surrogate: the ratio is clipped to [1 − ε, 1 + ε]. */
  clipRange: number;
  /** Weight of the value loss. */
  vfCoef: number;
  /** Weight of the entropy bonus. */
  entCoef: number;
  /** Normalise the advantages over the minibatch (mean 0, std 1). */
  normalizeAdvantages: boolean;
}

/** The loss and its parts (scalars, all means over the minibatch). */
export interface PpoLossTerms {
  /** policy − entCoef · entropy + vfCoef · value: what the optimiser descends. */
  total: Scalar;
  /** −mean min(A·ρ, A·clip(ρ, 1 − ε, 1 + ε)), ρ = π(a|s)/π_old(a|s). */
  policy: Scalar;
  /** mean (return − V(s))². */
  value: Scalar;
  /** Mean entropy of the masked policy. */
  entropy: Scalar;
  /** mean((ρ − 1) − log ρ), an estimate of KL(π_old ‖ π) (not differentiated through in practice). */
  approxKl: Scalar;
  /** Fraction of rows with |ρ − 1| > ε. */
  clipFraction: Scalar;
}

/**
 * Advantages normalised to mean 0 and (unbiased, n − 1) std 1 with 1e-8 added to the std, as
 * Stable-Baselines3 does per minibatch; a single row is left as it is (its std is undefined).
 */
export function normalizedAdvantages(advantages: ArrayLike<number>): Float32Array {
  const n = advantages.length;
  const out = Float32Array.from(advantages);
  if (n < 2) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += advantages[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (advantages[i]! - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  for (let i = 0; i < n; i++) out[i] = (advantages[i]! - mean) / (std + 1e-8);
  return out;
}

/**
 * The PPO loss of one minibatch (Schulman et al. 2017, with the conventions of Stable-Baselines3):
 * clipped surrogate on the ratio of the masked-softmax probabilities of the taken actions, squared
 * error of the value against the λ-returns (no value clipping), entropy bonus. Call inside a
 * gradient computation; the caller owns the returned tensors.
 */
export function ppoLoss(inputs: PpoLossInputs, options: PpoLossOptions): PpoLossTerms {
  const m = inputs.actions.length;
  const eps = options.clipRange;
  const adv = tf.tensor1d(options.normalizeAdvantages ? normalizedAdvantages(inputs.advantages) : Float32Array.from(inputs.advantages));
  // one masked log-softmax serves the ratio and the entropy (fewer kernels: per-op cost dominates at minibatch 64)
  const logpAll = maskedLogSoftmax(inputs.logits, inputs.masks);
  const logp = tf.sum(tf.mul(logpAll, tf.tensor2d(oneHot(inputs.actions, inputs.logits.shape[1]), inputs.logits.shape)), 1);
  const logRatio = tf.sub(logp, tf.tensor1d(Float32Array.from(inputs.oldLogProbs)));
  const ratio = tf.exp(logRatio);
  const unclipped = tf.mul(adv, ratio);
  const clipped = tf.mul(adv, tf.clipByValue(ratio, 1 - eps, 1 + eps));
  const policy = tf.neg(tf.mean(tf.minimum(unclipped, clipped))) as Scalar;
  const value = tf.mean(tf.square(tf.sub(tf.tensor1d(Float32Array.from(inputs.returns)), inputs.values))) as Scalar;
  // disallowed actions: p = exp(≈ −1e9) = 0 exactly, and 0 · (−1e9) = 0
  const entropy = tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(logpAll), logpAll), 1))) as Scalar;
  // without an entropy bonus the entropy stays out of the loss, and so out of the backward pass
  const weighted = [policy, tf.mul(options.vfCoef, value), ...(options.entCoef !== 0 ? [tf.mul(-options.entCoef, entropy)] : [])];
  const total = tf.addN(weighted) as Scalar;
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as Scalar;
  const clipFraction = tf.div(tf.sum(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), eps), 'float32')), m) as Scalar;
  return { total, policy, value, entropy, approxKl, clipFraction };
}

/** Row-major one-hot matrix of `actions` over `nActions` columns. */
function oneHot(actions: Int32Array, nActions: number): Float32Array {
  const out = new Float32Array(actions.length * nActions);
  actions.forEach((a, k) => (out[k * nActions + a] = 1));
  return out;
}
