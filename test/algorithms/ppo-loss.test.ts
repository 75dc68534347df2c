import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normalizedAdvantages, ppoLoss } from '../../algorithms/baselines/ppo-loss.js';

/*
 * A fixed minibatch of M = 5 rows, 3 actions, worked by hand.
 * Logits are chosen so that the masked softmax is simple:
 *   row 0: [0, 0, 0]                 → p = (1/3, 1/3, 1/3), action 0, log p = −ln 3
 *   row 1: [ln 3, 0, 5], action 2 masked → p = (3/4, 1/4, 0), action 0, log p = ln 3/4
 *   row 2: [ln 2, 0, 0]              → p = (1/2, 1/4, 1/4), action 1, log p = ln 1/4
 *   row 3: [0, ln 4, ln 3]           → p = (1/8, 4/8, 3/8), action 2, log p = ln 3/8
 *   row 4: [0, 0, 0]                 → p = (1/3, 1/3, 1/3), action 2, log p = −ln 3
 * Old log-probabilities are set to log p − ln ρ so that the ratios ρ = π/π_old are
 *   ρ = (1.5, 0.5, 1.1, 0.7, 1.3), with advantages A = (2, −1, 0.5, 1, −2), clip ε = 0.2:
 *   row 0: A > 0, ρ > 1 + ε: min(2·1.5, 2·1.2) = 2.4          (clipped)
 *   row 1: A < 0, ρ < 1 − ε: min(−0.5, −0.8) = −0.8           (clipped)
 *   row 2: inside the band: 0.5·1.1 = 0.55
 *   row 3: A > 0, ρ < 1 − ε: min(0.7, 0.8) = 0.7              (unclipped: the pessimistic bound)
 *   row 4: A < 0, ρ > 1 + ε: min(−2.6, −2.4) = −2.6           (unclipped: the pessimistic bound)
 * policy loss = −mean(2.4, −0.8, 0.55, 0.7, −2.6) = −0.25/5 = −0.05;
 * clip fraction = rows with |ρ − 1| > 0.2 = 4/5.
 * Values V = (1, 2, 0.5, −1, 0), returns R = (1.5, 1, 0.5, 1, −1):
 *   value loss = (0.25 + 1 + 0 + 4 + 1)/5 = 1.25.
 * Entropies: ln 3; −(3/4 ln 3/4 + 1/4 ln 1/4); 1.5 ln 2; −(1/8 ln 1/8 + 1/2 ln 1/2 + 3/8 ln 3/8); ln 3.
 */
const LN = Math.log;
const logits = [
  [0, 0, 0],
  [LN(3), 0, 5],
  [LN(2), 0, 0],
  [0, LN(4), LN(3)],
  [0, 0, 0],
];
const masks = Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
const actions = Int32Array.from([0, 0, 1, 2, 2]);
const probs = [
  [1 / 3, 1 / 3, 1 / 3],
  [3 / 4, 1 / 4, 0],
  [1 / 2, 1 / 4, 1 / 4],
  [1 / 8, 4 / 8, 3 / 8],
  [1 / 3, 1 / 3, 1 / 3],
];
const ratios = [1.5, 0.5, 1.1, 0.7, 1.3];
const logp = [-LN(3), LN(3 / 4), LN(1 / 4), LN(3 / 8), -LN(3)];
const oldLogProbs = logp.map((l, k) => l - LN(ratios[k]!));
const advantages = [2, -1, 0.5, 1, -2];
const values = [1, 2, 0.5, -1, 0];
const returns = [1.5, 1, 0.5, 1, -1];
const entropies = [LN(3), -(0.75 * LN(0.75) + 0.25 * LN(0.25)), 1.5 * LN(2), -((1 / 8) * LN(1 / 8) + 0.5 * LN(0.5) + (3 / 8) * LN(3 / 8)), LN(3)];
const M = 5;
const options = { clipRange: 0.2, vfCoef: 0.5, entCoef: 0.01, normalizeAdvantages: false };

const inputs = (l: tf.Tensor2D, v: tf.Tensor1D) => ({ logits: l, values: v, masks, actions, oldLogProbs, advantages, returns });
const scalar = (t: tf.Scalar): number => t.dataSync()[0]!;
/** float32 arithmetic: agreement to a few ulps of the magnitudes involved */
const TOL = 1e-6;

describe('PPO loss on a fixed minibatch (by hand)', () => {
  it('policy, value, entropy, total, approximate KL and clip fraction', () => {
    tf.tidy(() => {
      const t = ppoLoss(inputs(tf.tensor2d(logits), tf.tensor1d(values)), options);
      const meanEntropy = entropies.reduce((a, b) => a + b, 0) / M;
      expect(Math.abs(scalar(t.policy) - -0.05)).toBeLessThan(TOL);
      expect(Math.abs(scalar(t.value) - 1.25)).toBeLessThan(TOL);
      expect(Math.abs(scalar(t.entropy) - meanEntropy)).toBeLessThan(TOL);
      expect(Math.abs(scalar(t.total) - (-0.05 + 0.5 * 1.25 - 0.01 * meanEntropy))).toBeLessThan(TOL);
      const kl = ratios.reduce((a, r) => a + (r - 1 - LN(r)), 0) / M;
      expect(Math.abs(scalar(t.approxKl) - kl)).toBeLessThan(TOL);
      expect(scalar(t.clipFraction)).toBe(Math.fround(4 / 5));
    });
  });

  it('without an entropy bonus the total is policy + vfCoef · value', () => {
    tf.tidy(() => {
      const t = ppoLoss(inputs(tf.tensor2d(logits), tf.tensor1d(values)), { ...options, entCoef: 0 });
      expect(Math.abs(scalar(t.total) - (-0.05 + 0.625))).toBeLessThan(TOL);
    });
  });

  it('gradients: zero through the clipped rows, −A·ρ·(e_a − p)/M through the others; value −2(R − V)/M', () => {
    const { policyGrad, valueGrad } = tf.tidy(() => {
      const g = tf.grads((l: tf.Tensor, v: tf.Tensor) => ppoLoss(inputs(l as tf.Tensor2D, v as tf.Tensor1D), { ...options, entCoef: 0 }).total);
      const [gl, gv] = g([tf.tensor2d(logits), tf.tensor1d(values)]);
      return { policyGrad: gl!.arraySync() as number[][], valueGrad: gv!.arraySync() as number[] };
    });
    const clippedRows = new Set([0, 1]);
    for (let k = 0; k < M; k++) {
      for (let a = 0; a < 3; a++) {
        const expected = clippedRows.has(k) ? 0 : (-advantages[k]! * ratios[k]! * ((a === actions[k] ? 1 : 0) - probs[k]![a]!)) / M;
        expect(Math.abs(policyGrad[k]![a]! - expected), `row ${k}, action ${a}: ${policyGrad[k]![a]} vs ${expected}`).toBeLessThan(TOL);
      }
      // vfCoef · d/dV mean (R − V)² = 0.5 · (−2 (R − V)/M)
      expect(Math.abs(valueGrad[k]! - (0.5 * -2 * (returns[k]! - values[k]!)) / M)).toBeLessThan(TOL);
    }
    // the masked action of row 1 gets no gradient at all
    expect(policyGrad[1]![2]).toBe(0);
  });

  it('the entropy bonus pushes towards uniform: its gradient is entCoef · p(ln p + H) per logit / M', () => {
    const grad = tf.tidy(() => {
      const g = tf.grad((l: tf.Tensor) => {
        const t = ppoLoss(inputs(l as tf.Tensor2D, tf.tensor1d(values)), options);
        return tf.sub(t.total, tf.add(t.policy, tf.mul(0.5, t.value)));
      });
      return g(tf.tensor2d(logits)).arraySync() as number[][];
    });
    // d(−H)/dz_a = p_a (ln p_a + H) for the allowed actions; scaled by entCoef / M
    for (let k = 0; k < M; k++) {
      for (let a = 0; a < 3; a++) {
        const p = probs[k]![a]!;
        const expected = p === 0 ? 0 : (0.01 * p * (LN(p) + entropies[k]!)) / M;
        expect(Math.abs(grad[k]![a]! - expected), `row ${k}, action ${a}`).toBeLessThan(1e-8);
      }
    }
  });

  it('advantages are normalised per minibatch with the unbiased std (Stable-Baselines3)', () => {
    const out = normalizedAdvantages([1, 2, 3, 4]);
    // mean 2.5, std = sqrt((2.25 + 0.25 + 0.25 + 2.25)/3) = sqrt(5/3)
    const std = Math.sqrt(5 / 3);
    [1, 2, 3, 4].forEach((a, k) => expect(Math.abs(out[k]! - (a - 2.5) / (std + 1e-8))).toBeLessThan(1e-6));
    expect(Array.from(normalizedAdvantages([3]))).toEqual([3]);
    // and the loss uses them when asked: with A normalised, the hand value changes accordingly
    tf.tidy(() => {
      const norm = Array.from(normalizedAdvantages(advantages));
      const expected = -norm.reduce((acc, a, k) => acc + Math.min(a * ratios[k]!, a * Math.min(Math.max(ratios[k]!, 0.8), 1.2)), 0) / M;
      const t = ppoLoss(inputs(tf.tensor2d(logits), tf.tensor1d(values)), { ...options, normalizeAdvantages: true });
      expect(Math.abs(scalar(t.policy) - expected)).toBeLessThan(TOL);
    });
  });
});
