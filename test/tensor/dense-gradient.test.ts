import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { Dense } from '../../core/tensor/dense.js';

/*
 * A dense layer's input gradient dz Wᵀ is computed as (W dzᵀ)ᵀ when the batch has few rows
 * (cheaper on wasm); both forms must give the same bits, or training would depend on the batch size's
 * side of the threshold.
 */
describe('Dense input gradient', () => {
  it.each([
    [1, 64, 64],
    [20, 64, 64],
    [200, 64, 64],
    [9, 64, 3],
    [3, 64, 3],
    [9, 3, 64],
  ])('%i rows through a %ix%i layer: dx is dz Wᵀ bit for bit', (rows, inDim, outDim) => {
    const layer = new Dense(inDim, outDim, 'linear', new Rng(rows), `dense-grad-${rows}-${inDim}-${outDim}`);
    const x = tf.randomNormal([rows, inDim], 0, 1, 'float32', 3) as tf.Tensor2D;
    const dz = tf.randomNormal([rows, outDim], 0, 1, 'float32', 5) as tf.Tensor2D;
    // d/dx Σ (x W + b) ⊙ dz = dz Wᵀ
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input as tf.Tensor2D), dz)))(x);
    const expected = tf.tidy(() => tf.matMul(dz, tf.transpose(layer.weight)));
    const a = Float32Array.from(dx.dataSync());
    const b = Float32Array.from(expected.dataSync());
    expect(Array.from(new Uint32Array(a.buffer))).toEqual(Array.from(new Uint32Array(b.buffer)));
    expect(b.some((v) => v !== 0)).toBe(true);
    tf.dispose([x, dz, dx, expected]);
    layer.dispose();
  });
});
