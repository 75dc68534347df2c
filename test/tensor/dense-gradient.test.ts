import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { Dense } from '../../core/tensor/dense.js';

/*
 * A dense layer's input gradient dz Wᵀ is computed as (W dzᵀ)ᵀ when the batch has few rows
 * (cheaper on wasm), and its bias gradient from dzᵀ then; both forms must give the same bits, or
 * training would depend on the batch size's side of the threshold.
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
    // d/dx Σ (x W + b) ⊙ dz = dz Wᵀ and d/db = Σ_rows dz
    // the bias is the layer's own variable: differentiating with respect to it reaches the layer's gradient
    const f = (input: tf.Tensor, _bias: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input as tf.Tensor2D), dz));
    const [dx, db] = tf.grads(f)([x, layer.bias]);
    const expectedDx = tf.tidy(() => tf.matMul(dz, tf.transpose(layer.weight)));
    const expectedDb = tf.sum(dz, 0);
    const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
    expect(bits(dx!)).toEqual(bits(expectedDx));
    expect(bits(db!)).toEqual(bits(expectedDb));
    expect(expectedDx.dataSync().some((v) => v !== 0)).toBe(true);
    tf.dispose([x, dz, dx!, db!, expectedDx, expectedDb]);
    layer.dispose();
  });
});
