import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import type { DenseChainKernels } from '../../../core/tensor/dense-chain.js';
import { flattenValues } from '../../../core/tensor/flat-params.js';
import { Transformer, type TransformerShape } from '../../../core/tensor/transformer.js';
import { onnxRuntimeEngine } from '../../../plugins/node/onnx/onnx-engine.js';
import { relativeDifference } from '../../helpers/compare-networks.js';
import { expectCentralDifferences } from '../../helpers/transformer-differences.js';
import { transformer64 } from '../../tensor/float64-transformer.js';

// onnxruntime-node is a dev dependency: `npm ci` installs it, so CI always runs these tests
const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`onnx-transformer-gradient tests skipped: ${missing}\n`);

/** P = 3 positions over V = 4 symbols, width 8, 2 heads, 2 blocks; insert-variant outputs P·V + 1. */
const SHAPE: TransformerShape = { layout: { positions: 3, vocabulary: 4 }, outputDim: 13, layers: 2, heads: 2, width: 8, ffWidth: 16, activation: 'relu' };
/** The empty sequence, partial ones and a full one (the empty vector and every symbol are used). */
const OBS = Float32Array.from(
  [
    [-1, -1, -1],
    [2, -1, 0],
    [3, 1, 2],
    [-1, 3, -1],
  ].flatMap((row) => row.flatMap((s) => [0, 1, 2, 3].map((v) => (v === s ? 1 : 0)))),
);
const ROWS = 4;

/** The gradients of Σ apply(x) ⊙ u w.r.t. every variable, as host arrays (variables order). */
function gradients(net: Transformer, x: tf.Tensor2D, u: tf.Tensor2D): Float32Array[] {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), u)), net.variables);
    value.dispose();
    return net.variables.map((v) => grads[v.name]!.dataSync() as Float32Array);
  });
}

describe.skipIf(missing !== undefined)("ONNX Runtime's Transformer training pass", () => {
  const kernels = onnxRuntimeEngine.kernels!({ threads: 1 });
  const calls = { backward: 0 };
  // the same kernels, counting the backward passes: a test that would pass on the backend's path fails here
  const counted: DenseChainKernels = {
    ...kernels,
    transformerBackward: (...args) => {
      calls.backward += 1;
      return kernels.transformerBackward!(...args);
    },
  };
  afterAll(() => kernels.dispose());

  it.each([
    ['position', 'relu', 13],
    ['position', 'tanh', 12],
    ['flatten', 'relu', 13],
    ['mean', 'linear', 5],
  ] as const)(
    'gradients of every variable equal central differences of the float64 network and the backend’s, %s readout, %s, %i outputs',
    (readout, activation, outputDim) => {
      const shape: TransformerShape = { ...SHAPE, readout, activation, outputDim };
      const onBackend = new Transformer(shape, new Rng(2), 'grad-a');
      const onKernels = new Transformer(shape, new Rng(2), 'grad-b', counted);
      const x = tf.tensor2d(OBS, [ROWS, 12]);
      const u = Float32Array.from({ length: ROWS * outputDim }, (_, i) => Math.sin(1 + 7 * i));
      const ut = tf.tensor2d(u, [ROWS, outputDim]);
      try {
        const before = calls.backward;
        const actual = gradients(onKernels, x, ut);
        expect(calls.backward).toBe(before + 1);
        const expected = gradients(onBackend, x, ut);
        // the same float32 sums in another order; a wrong transpose, a missing LayerNorm term or softmax term is off by O(1)
        actual.forEach((g, i) => expect(relativeDifference(expected[i]!, g), onKernels.variables[i]!.name).toBeLessThan(1e-4));
        expectCentralDifferences(shape, onKernels.variables, actual, OBS, ROWS, u);
      } finally {
        tf.dispose([x, ut]);
        onBackend.dispose();
        onKernels.dispose();
      }
    },
  );

  it('differentiates at the parameters of the forward pass even when they change before the backward pass, and leaks no tensor', () => {
    const shape: TransformerShape = { ...SHAPE, readout: 'position' };
    const net = new Transformer(shape, new Rng(4), 'grad-c', counted);
    const x = tf.tensor2d(OBS, [ROWS, 12]);
    const ut = tf.tensor2d(
      Float32Array.from({ length: ROWS * 13 }, (_, i) => Math.cos(i)),
      [ROWS, 13],
    );
    try {
      const atForward = gradients(net, x, ut);
      const before = tf.memory().numTensors;
      const changed = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const loss = tf.sum(tf.mul(net.apply(x), ut)) as tf.Scalar;
          // an update between the forward pass and its gradient: the host copy the pass used must survive it
          for (const v of net.variables) v.assign(tf.mul(v, 1.5));
          net.predict(x);
          return loss;
        }, net.variables);
        value.dispose();
        return net.variables.map((v) => grads[v.name]!.dataSync() as Float32Array);
      });
      changed.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(atForward[i]!)));
      expect(tf.memory().numTensors).toBe(before);
      // and the next pass sees the new parameters
      const reference = transformer64(shape, flattenValues(net.variables), OBS, ROWS);
      expect(relativeDifference(reference, net.predictValues(x))).toBeLessThan(1e-5);
    } finally {
      tf.dispose([x, ut]);
      net.dispose();
    }
  });
});
