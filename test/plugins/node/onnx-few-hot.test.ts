import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import type { DenseChainKernels } from '../../../core/tensor/dense-chain.js';
import type { Activation } from '../../../core/tensor/dense.js';
import { Mlp } from '../../../core/tensor/mlp.js';
import { onnxRuntimeEngine } from '../../../plugins/node/onnx/onnx-engine.js';
import { lossAndGradients, randomFewHot, relativeDifference } from '../../helpers/compare-networks.js';
import { hostKernels } from '../../helpers/host-kernels.js';

// onnxruntime-node is a dev dependency: `npm ci` installs it, so CI always runs these tests
const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`onnx-few-hot tests skipped: ${missing}\n`);

describe.skipIf(missing !== undefined)('few-hot input on the ONNX Runtime kernels', () => {
  const kernels = onnxRuntimeEngine.kernels!({ threads: 1 });
  const nets: Mlp[] = [];
  afterAll(() => {
    nets.forEach((n) => n.dispose());
    kernels.dispose();
  });
  /** The same network (same seed) on the backend with dense rows and on `on` with few-hot columns. */
  const pair = (hidden: number[], activation: Activation, inputDim: number, on: DenseChainKernels): [Mlp, Mlp] => {
    const shape = { inputDim, hidden, outputDim: 7, activation };
    const made: [Mlp, Mlp] = [
      new Mlp(shape, new Rng(8), `few-hot-kern-${nets.length}-a`),
      new Mlp({ ...shape, fewHotInput: true }, new Rng(8), `few-hot-kern-${nets.length}-b`, on),
    ];
    nets.push(...made);
    return made;
  };

  it.each([
    ['relu', [256, 256, 256, 256], 3840, 300, 15],
    ['relu', [64, 64], 40, 1, 5],
    ['tanh', [32, 16], 90, 17, 6],
    ['linear', [], 30, 5, 2],
  ] as const)(
    'gives the dense outputs and parameter gradients of the backend to float32 rounding (%s, hidden %j, %i inputs, %i rows of %i)',
    (activation, hidden, inputDim, rows, perRow) => {
      const [dense, fewHot] = pair([...hidden], activation, inputDim, kernels);
      const x = randomFewHot(rows, perRow, inputDim, 21);
      const dy = tf.randomUniform([rows, 7], -1, 1, 'float32', 4) as tf.Tensor2D;
      const tensorsBefore = tf.memory().numTensors;
      try {
        const expected = tf.tidy(() => dense.predict(x.dense).dataSync());
        expect(
          relativeDifference(
            expected,
            tf.tidy(() => fewHot.predict(x.columns).dataSync()),
          ),
        ).toBeLessThan(1e-5);
        const gradients = lossAndGradients(dense, x.dense, dy);
        // the gather's Mul/ReduceSum and the ScatterND into dW: a padding entry counted, a column
        // scattered to the wrong row or the bias left out would be off by O(1)
        lossAndGradients(fewHot, x.columns, dy).forEach((values, k) => expect(relativeDifference(gradients[k]!, values)).toBeLessThan(1e-5));
        expect(tf.memory().numTensors).toBe(tensorsBefore);
      } finally {
        tf.dispose([x.columns, x.dense, dy]);
      }
    },
  );

  it('hands kernels without few-hot passes the dense rows the columns stand for', () => {
    const host = hostKernels('host');
    expect(host.forwardFewHot).toBeUndefined();
    const [dense, fewHot] = pair([8], 'tanh', 20, host);
    const x = randomFewHot(6, 3, 20, 5);
    const dy = tf.randomUniform([6, 7], -1, 1, 'float32', 6) as tf.Tensor2D;
    try {
      const gradients = lossAndGradients(dense, x.dense, dy);
      lossAndGradients(fewHot, x.columns, dy).forEach((values, k) => expect(relativeDifference(gradients[k]!, values)).toBeLessThan(1e-5));
    } finally {
      tf.dispose([x.columns, x.dense, dy]);
    }
  });

  it('refuses a column outside the first layer, naming it', () => {
    const fewHot = pair([4], 'relu', 10, kernels)[1];
    const bad = tf.tensor2d([3, 10], [1, 2], 'int32');
    try {
      expect(() => fewHot.predict(bad)).toThrow('input column 10 of row 0 is outside [0, 10) and not −1');
    } finally {
      bad.dispose();
    }
  });
});
