import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { denseFromColumns } from '../../core/tensor/few-hot-input.js';
import type { Estimator } from '../../core/tensor/estimator.js';

/**
 * Few-hot rows as columns and as the dense rows they stand for: `rows` rows of up to `perRow`
 * distinct columns in [0, inputDim), in scrambled order; row 0 has none (an empty sequence's s0),
 * row 1 all `perRow`, the others a random count, padded with −1.
 */
export function randomFewHot(rows: number, perRow: number, inputDim: number, seed: number): { columns: tf.Tensor2D; dense: tf.Tensor2D } {
  const rng = new Rng(seed);
  const columns = new Int32Array(rows * perRow).fill(-1);
  for (let r = 0; r < rows; r++) {
    const count = r === 0 ? 0 : r === 1 ? perRow : Math.floor(rng.uniform() * (perRow + 1));
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(Math.floor(rng.uniform() * inputDim));
    // padding first in some rows: the layer must not assume the ones come first
    const slots = Array.from({ length: perRow }, (_, k) => (r % 2 === 0 ? k : perRow - 1 - k));
    [...chosen].forEach((c, k) => (columns[r * perRow + slots[k]!] = c));
  }
  return {
    columns: tf.tensor2d(columns, [rows, perRow], 'int32'),
    dense: tf.tensor2d(denseFromColumns({ columns, perRow }, inputDim), [rows, inputDim]),
  };
}

/** Largest |a − b| over the largest |a|: float32 rounding differences are ~1e-7 of the scale. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return worst / Math.max(scale, 1e-30);
}

/** The value of Σ net(x) ⊙ dy and its gradient w.r.t. every variable, as host arrays. */
export function lossAndGradients(net: Estimator, x: tf.Tensor2D, dy: tf.Tensor2D): Float32Array[] {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), dy)) as tf.Scalar, [...net.variables]);
    return [value.dataSync() as Float32Array, ...net.variables.map((v) => grads[v.name]!.dataSync() as Float32Array)];
  });
}
