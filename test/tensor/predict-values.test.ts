import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { predictedValues } from '../../core/tensor/read.js';
import { randomFewHot } from '../helpers/compare-networks.js';
import { hostKernels } from '../helpers/host-kernels.js';

// the sampler reads its logits through predictValues: the same numbers as predict's tensor, on the
// backend and on kernels (where no output tensor is made), for dense and few-hot input
describe('Mlp.predictValues', () => {
  const nets: Mlp[] = [];
  afterAll(() => nets.forEach((n) => n.dispose()));
  const net = (kernels: boolean, fewHotInput: boolean): Mlp => {
    const made = new Mlp(
      { inputDim: 40, hidden: [32, 32], outputDim: 7, activation: 'relu', fewHotInput },
      new Rng(5),
      `predict-values-${nets.length}`,
      kernels ? hostKernels('host') : undefined,
    );
    nets.push(made);
    return made;
  };

  it.each([
    ['the backend', false, false],
    ['the backend, few-hot input', false, true],
    ['kernels', true, false],
    ['kernels, few-hot input', true, true],
  ] as const)('gives predict’s values bit for bit on %s, and leaks no tensor', (_name, kernels, fewHot) => {
    const mlp = net(kernels, fewHot);
    const { columns, dense } = randomFewHot(9, 4, 40, 3);
    const x = fewHot ? columns : dense;
    const expected = tf.tidy(() => mlp.predict(x).dataSync());
    const before = tf.memory().numTensors;
    const values = mlp.predictValues(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(values).toBeInstanceOf(Float32Array);
    expect(Array.from(values)).toEqual(Array.from(expected));
    // the helper frees the input it was handed, whichever way it reads
    const viaHelper = predictedValues(mlp, () => tf.clone(x));
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(viaHelper)).toEqual(Array.from(expected));
    columns.dispose();
    dense.dispose();
  });

  it('falls back to predict for an estimator without predictValues', () => {
    const mlp = net(false, false);
    const plain = {
      ...mlp,
      inputDim: mlp.inputDim,
      outputDim: mlp.outputDim,
      variables: mlp.variables,
      apply: mlp.apply.bind(mlp),
      predict: mlp.predict.bind(mlp),
      dispose: () => {},
    };
    const x = tf.ones([3, 40]) as tf.Tensor2D;
    const expected = tf.tidy(() => mlp.predict(x).dataSync());
    const before = tf.memory().numTensors;
    expect(Array.from(predictedValues({ ...plain, predictValues: undefined }, () => tf.clone(x)))).toEqual(Array.from(expected));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
