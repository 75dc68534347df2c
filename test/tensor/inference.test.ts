import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import type { Activation } from '../../core/tensor/dense.js';
import { Mlp } from '../../core/tensor/mlp.js';

/*
 * Inference calls the fused matMul kernel directly (one per layer, activations rank 3) instead of
 * `tf.fused.matMul`; the linearisation used by TRPO exposes its outputs. Both must be bit for bit
 * the layer-by-layer `tf.fused.matMul` pass, or sampling and TRPO's surrogate would drift.
 */
function layerByLayer(mlp: Mlp, x: tf.Tensor2D): Float32Array {
  const out = tf.tidy(() => {
    let h = x;
    for (const layer of mlp.layers) {
      const act = layer.activation === 'relu' ? 'relu' : 'linear';
      h = tf.fused.matMul({ a: h, b: layer.weight, bias: layer.bias, activation: act }) as tf.Tensor2D;
      if (layer.activation === 'tanh') h = tf.tanh(h);
    }
    return h;
  });
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

describe('MLP inference', () => {
  const nets: Mlp[] = [];
  afterAll(() => nets.forEach((n) => n.dispose()));

  it.each([
    ['relu', 1],
    ['relu', 37],
    ['tanh', 5],
  ] as Array<[Activation, number]>)('predict and the linearisation outputs equal a layer-by-layer fused pass (%s, %i rows)', (activation, rows) => {
    const mlp = new Mlp({ inputDim: 6, hidden: [32, 32], outputDim: 4, activation }, new Rng(rows), `inference-test-${activation}-${rows}`);
    nets.push(mlp);
    const x = tf.randomNormal([rows, 6], 0, 1, 'float32', 7) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const expected = layerByLayer(mlp, x);
    const predicted = mlp.predict(x);
    expect(predicted.shape).toEqual([rows, 4]);
    expect(Array.from(predicted.dataSync())).toEqual(Array.from(expected));
    predicted.dispose();
    const lin = mlp.linearize(x);
    expect(Array.from(lin.outputs.dataSync())).toEqual(Array.from(expected));
    lin.dispose();
    // a trunk pass is the same chain without the output layer
    const trunk = mlp.trunkPredict(x);
    expect(trunk.shape).toEqual([rows, 32]);
    trunk.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('follows a weight change: the cached rank-3 weight view is rebuilt when the weight is assigned', () => {
    const mlp = new Mlp({ inputDim: 6, hidden: [16], outputDim: 3, activation: 'relu' }, new Rng(3), 'inference-test-assign');
    nets.push(mlp);
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 11) as tf.Tensor2D;
    tf.dispose(mlp.predict(x));
    const first = mlp.layers[0]!;
    first.assign(new Float32Array(6 * 16).fill(0.25), new Float32Array(16).fill(-0.5));
    const predicted = mlp.predict(x);
    expect(Array.from(predicted.dataSync())).toEqual(Array.from(layerByLayer(mlp, x)));
    // and a training pass uses the new weight too
    const trained = tf.tidy(() => mlp.apply(x));
    expect(Array.from(trained.dataSync())).toEqual(Array.from(predicted.dataSync()));
    tf.dispose([x, predicted, trained]);
  });
});
