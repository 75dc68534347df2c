import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import type { Activation } from '../../core/tensor/dense.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { lossAndGradients, randomFewHot, relativeDifference } from '../helpers/compare-networks.js';

// the backend's first layer for few-hot input (gather + sum forward, scatter-add backward) against
// the dense product of the same network with the dense rows
describe('few-hot input on the tensor backend', () => {
  const nets: Mlp[] = [];
  afterAll(() => nets.forEach((n) => n.dispose()));
  const net = (hidden: number[], activation: Activation, inputDim: number): Mlp => {
    const made = new Mlp({ inputDim, hidden, outputDim: 6, activation, fewHotInput: true }, new Rng(3), `few-hot-${nets.length}`);
    nets.push(made);
    return made;
  };

  it.each([
    ['relu', [64, 64], 40, 9, 5],
    ['tanh', [32], 300, 17, 15],
    ['linear', [], 24, 6, 3],
  ] as const)(
    'gives the dense outputs and parameter gradients to float32 rounding (%s, hidden %j, %i inputs, %i rows of %i)',
    (activation, hidden, inputDim, rows, perRow) => {
      const mlp = net([...hidden], activation, inputDim);
      expect(mlp.fewHotInput).toBe(true);
      const { columns, dense } = randomFewHot(rows, perRow, inputDim, 11);
      const dy = tf.randomUniform([rows, 6], -1, 1, 'float32', 5) as tf.Tensor2D;
      try {
        const predicted = [dense, columns].map((x) => tf.tidy(() => mlp.predict(x).dataSync()));
        expect(relativeDifference(predicted[0]!, predicted[1]!)).toBeLessThan(1e-5);
        const applied = tf.tidy(() => mlp.apply(columns).dataSync());
        expect(relativeDifference(predicted[0]!, applied)).toBeLessThan(1e-5);
        const expected = lossAndGradients(mlp, dense, dy);
        const actual = lossAndGradients(mlp, columns, dy);
        expect(actual).toHaveLength(1 + 2 * (hidden.length + 1));
        // the first layer's weight gradient is zero outside the rows of the columns present, and
        // equal where present: a misplaced scatter or a padding entry counted would be off by O(1)
        actual.forEach((values, k) => expect(relativeDifference(expected[k]!, values)).toBeLessThan(1e-5));
      } finally {
        tf.dispose([columns, dense, dy]);
      }
    },
  );

  it('takes an empty batch', () => {
    const mlp = net([8], 'relu', 12);
    const empty = tf.tensor2d(new Int32Array(0), [0, 3], 'int32');
    try {
      expect(tf.tidy(() => mlp.predict(empty).shape)).toEqual([0, 6]);
      // the first layer's gradients (the wasm backend's sums over zero rows, in the layers above
      // and the loss, leave whatever its heap held: not this layer's to fix)
      const [, dw0, db0] = lossAndGradients(mlp, empty, tf.zeros([0, 6]) as tf.Tensor2D);
      expect([dw0!.every((v) => v === 0), db0!.every((v) => v === 0)]).toEqual([true, true]);
    } finally {
      empty.dispose();
    }
  });

  it('keeps the trunk, a shared head, the linearisation and jvp on the dense numbers', () => {
    const mlp = net([16, 16], 'relu', 30);
    const tensorsBefore = tf.memory().numTensors;
    const { columns, dense } = randomFewHot(7, 4, 30, 2);
    const shared = mlp.withSharedTrunk(3, new Rng(9), 'few-hot-shared');
    const tangents = mlp.variables.map((v, i) => tf.randomNormal(v.shape, 0, 1, 'float32', i));
    try {
      expect(shared.fewHotInput).toBe(true);
      const pairs: Array<[string, (x: tf.Tensor2D) => tf.Tensor]> = [
        ['trunk', (x) => mlp.trunkPredict(x)],
        ['trunk apply', (x) => mlp.trunkApply(x)],
        ['shared head', (x) => shared.predict(x)],
        ['jvp', (x) => mlp.jvp(x, tangents).tangent],
        ['linearisation', (x) => tf.clone(mlp.linearize(x).outputs)],
      ];
      for (const [what, f] of pairs) {
        const [d, c] = [dense, columns].map((x) => tf.tidy(() => f(x).dataSync()));
        expect(relativeDifference(d!, c!), what).toBeLessThan(1e-5);
      }
      const lin = mlp.linearize(columns);
      const denseLin = mlp.linearize(dense);
      const u = tf.randomNormal([7, 6], 0, 1, 'float32', 4) as tf.Tensor2D;
      const [a, b] = [denseLin, lin].map((l) => tf.tidy(() => l.vjp(u).map((g) => g.dataSync())));
      a!.forEach((g, i) => expect(relativeDifference(g, b![i]!)).toBeLessThan(1e-5));
      tf.dispose([u]);
      lin.dispose();
      denseLin.dispose();
    } finally {
      tf.dispose([columns, dense, ...tangents]);
      shared.dispose();
    }
    // the linearisation's dense copy of the columns is freed with it
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
