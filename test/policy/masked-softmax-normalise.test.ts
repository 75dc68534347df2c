import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { maskedLogSumExp, takenLogProbs } from '../../core/policy/masked-softmax.js';

/**
 * The row normalisers as computed before the exps loop skipped masked entries: every entry
 * visited, masked ones adding an exp of 0. The ops must give these numbers bit for bit.
 */
function formerNormalisers(v: Float32Array, mask: Uint8Array, m: number, a: number): { lse: Float64Array; invZ: Float64Array; exps: Float32Array } {
  const lse = new Float64Array(m);
  const invZ = new Float64Array(m);
  const exps = new Float32Array(m * a);
  for (let r = 0; r < m; r++) {
    const row = Array.from({ length: a }, (_, c) => r * a + c);
    const max = row.reduce((best, k) => (mask[k] && v[k]! > best ? v[k]! : best), -Infinity);
    const z = row.reduce((sum, k) => {
      exps[k] = mask[k] ? Math.exp(v[k]! - max) : 0;
      return sum + (mask[k] ? Math.exp(v[k]! - max) : 0);
    }, 0);
    lse[r] = max + Math.log(z);
    invZ[r] = 1 / z;
  }
  return { lse, invZ, exps };
}

function wideCase(m: number, a: number, share: number, seed: number): { v: Float32Array; mask: Uint8Array; actions: Int32Array } {
  const rng = new Rng(seed);
  const v = Float32Array.from({ length: m * a }, () => (rng.uniform() - 0.5) * (rng.uniform() < 0.05 ? 300 : 10));
  const mask = Uint8Array.from({ length: m * a }, () => (rng.uniform() < share ? 1 : 0));
  const actions = Int32Array.from({ length: m }, (_, r) => {
    const c = rng.int(a);
    mask[r * a + c] = 1;
    return c;
  });
  return { v, mask, actions };
}

describe('masked softmax: row normalisers over the allowed entries only', () => {
  it.each([
    [12, 3841, 0.05],
    [12, 3841, 0.5],
    [30, 101, 0.3],
    [40, 3, 1],
    [20, 257, 1],
  ] as const)('give the former values and gradients bit for bit (%i x %i, %f allowed)', (m, a, share) => {
    const { v, mask, actions } = wideCase(m, a, share, m + a);
    const { lse, invZ, exps } = formerNormalisers(v, mask, m, a);
    const w = Float32Array.from({ length: m }, (_, r) => ((r % 5) - 2) / 3);
    const x = tf.tensor2d(v, [m, a]);
    const weights = tf.tensor1d(w);
    const [values, grads, taken] = tf.tidy(() => {
      const out = maskedLogSumExp(x, mask);
      const g = tf.grad((t) => tf.sum(tf.mul(maskedLogSumExp(t as tf.Tensor2D, mask), weights)))(x);
      return [out.dataSync(), g.dataSync(), takenLogProbs(x, mask, actions).dataSync()];
    });
    x.dispose();
    weights.dispose();
    expect(Array.from(values)).toEqual(Array.from(Float32Array.from(lse)));
    // the log-sum-exp's gradient: dy·exps/z, as its backward pass writes it
    const expected = Float32Array.from({ length: m * a }, (_, k) => w[Math.floor(k / a)]! * invZ[Math.floor(k / a)]! * exps[k]! + 0);
    expect(Array.from(grads)).toEqual(Array.from(expected));
    const expectedTaken = Float32Array.from(actions, (c, r) => v[r * a + c]! - lse[r]!);
    expect(Array.from(taken)).toEqual(Array.from(expectedTaken));
  });
});
