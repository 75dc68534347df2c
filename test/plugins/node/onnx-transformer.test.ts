import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import type { DenseChainKernels } from '../../../core/tensor/dense-chain.js';
import { selfTestKernels } from '../../../core/tensor/engine-self-test.js';
import { flattenValues } from '../../../core/tensor/flat-params.js';
import { Transformer, type TransformerShape } from '../../../core/tensor/transformer.js';
import { transformerParameterDims } from '../../../core/tensor/transformer-shape.js';
import { onnxRuntimeEngine } from '../../../plugins/node/onnx/onnx-engine.js';
import { relativeDifference } from '../../helpers/compare-networks.js';
import { transformer64 } from '../../tensor/float64-transformer.js';
import { recordRun, smallConfig } from '../../training/run-helpers.js';

// onnxruntime-node is a dev dependency: `npm ci` installs it, so CI always runs these tests
const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`onnx-transformer tests skipped: ${missing}\n`);

/** P = 3 positions over V = 4 symbols, width 8, 2 heads, 2 blocks; insert-variant outputs P·V + 1. */
const SHAPE: TransformerShape = { layout: { positions: 3, vocabulary: 4 }, outputDim: 13, layers: 2, heads: 2, width: 8, ffWidth: 16, activation: 'relu' };

/** `rows` one-hot observations: row 0 empty, row 1 full, the others with some positions empty. */
function observations(rows: number, { positions: P, vocabulary: V }: TransformerShape['layout'], seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * P * V);
  for (let r = 1; r < rows; r++) for (let p = 0; p < P; p++) if (r === 1 || rng.uniform() < 0.6) x[(r * P + p) * V + Math.floor(rng.uniform() * V)] = 1;
  return x;
}

describe.skipIf(missing !== undefined)("ONNX Runtime's Transformer inference pass", () => {
  const kernels = onnxRuntimeEngine.kernels!({ threads: 1 });
  const calls = { count: 0 };
  // the same kernels, counting the Transformer passes: a test that would pass on the backend's path fails here
  const counted: DenseChainKernels = {
    ...kernels,
    transformerForward: (network, x, rows) => {
      calls.count += 1;
      return kernels.transformerForward!(network, x, rows);
    },
  };
  afterAll(() => kernels.dispose());
  /** The same network (same seed: same parameters) on the backend and on the kernels. */
  const pair = (shape: TransformerShape, seed: number): [Transformer, Transformer] => [
    new Transformer(shape, new Rng(seed), 'onnx-a'),
    new Transformer(shape, new Rng(seed), 'onnx-b', counted),
  ];

  it('states the parameter shapes in the order of the variables', () => {
    for (const readout of ['flatten', 'mean', 'position'] as const) {
      for (const outputDim of [13, 12]) {
        const net = new Transformer({ ...SHAPE, readout, outputDim }, new Rng(0), 'dims');
        expect(transformerParameterDims(net.shape)).toEqual(net.variables.map((v) => v.shape));
        net.dispose();
      }
    }
  });

  it.each([
    ['flatten', 'relu', 13, 5],
    ['mean', 'tanh', 13, 1],
    ['position', 'relu', 13, 7],
    ['position', 'linear', 12, 4],
    ['flatten', 'linear', 1, 3],
  ] as const)('computes the outputs of the backend and of a float64 reference, %s readout, %s, %i outputs, %i rows', (readout, activation, outputDim, rows) => {
    const shape: TransformerShape = { ...SHAPE, readout, activation, outputDim };
    const [onBackend, onKernels] = pair(shape, 3);
    const obs = observations(rows, shape.layout, 11);
    const x = tf.tensor2d(obs, [rows, 12]);
    try {
      const before = calls.count;
      const expected = tf.tidy(() => onBackend.predict(x).dataSync());
      const viaTensor = tf.tidy(() => onKernels.predict(x).dataSync());
      const viaValues = onKernels.predictValues(x);
      expect(calls.count).toBe(before + 2);
      expect(viaValues).toHaveLength(rows * outputDim);
      // the same float32 sums in another order; a wrong head split, transpose or missing scale would be off by O(1)
      expect(relativeDifference(expected, viaTensor)).toBeLessThan(1e-5);
      expect(relativeDifference(expected, viaValues)).toBeLessThan(1e-5);
      const reference = transformer64(shape, flattenValues(onKernels.variables), obs, rows);
      expect(relativeDifference(reference, viaValues)).toBeLessThan(1e-5);
    } finally {
      x.dispose();
      onBackend.dispose();
      onKernels.dispose();
    }
  });

  it("passes the engine's self-test, which fails a Transformer pass that is off or throws", () => {
    const before = tf.memory().numTensors;
    expect(selfTestKernels(kernels)).toBeUndefined();
    const off: DenseChainKernels = { ...kernels, transformerForward: (...args) => kernels.transformerForward!(...args).map((v, i) => (i === 5 ? v + 0.5 : v)) };
    expect(selfTestKernels(off)).toMatch(
      /^the Transformer output \(position readout, relu\) differs from the tensor backend's by [\d.e+-]+ \(relative; at most 0.0001\)$/,
    );
    const throwing: DenseChainKernels = {
      ...kernels,
      transformerForward: () => {
        throw new Error('invalid feed');
      },
    };
    expect(selfTestKernels(throwing)).toBe('its Transformer pass threw: invalid feed');
    const wrongGradient: DenseChainKernels = {
      ...kernels,
      transformerBackward: (...args) => kernels.transformerBackward!(...args).map((g, i) => (i === 7 ? g.map((v) => 2 * v) : g)),
    };
    expect(selfTestKernels(wrongGradient)).toMatch(
      /^the Transformer gradient of block0\/attention\/out\/w \(position readout, relu\) differs from the tensor backend's by /,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('follows updates of the variables, leaks no tensor, and leaves empty batches to the backend', () => {
    const [onBackend, onKernels] = pair({ ...SHAPE, readout: 'position' }, 5);
    const x = tf.tensor2d(observations(6, SHAPE.layout, 12), [6, 12]);
    try {
      onKernels.predictValues(x);
      const before = tf.memory().numTensors;
      for (let step = 1; step <= 3; step++) {
        // an optimiser step assigns new data to every variable: the host copy must be read again
        for (const net of [onBackend, onKernels]) {
          for (const v of net.variables) {
            const next = tf.tidy(() => tf.add(v, tf.mul(tf.sin(tf.reshape(tf.range(0, v.size), v.shape)), 0.1 * step)));
            v.assign(next);
            next.dispose();
          }
        }
        const expected = tf.tidy(() => onBackend.predict(x).dataSync());
        expect(relativeDifference(expected, onKernels.predictValues(x))).toBeLessThan(1e-5);
        tf.dispose(onKernels.predict(x));
      }
      expect(tf.memory().numTensors).toBe(before);
      const calledBefore = calls.count;
      const empty = tf.zeros([0, 12]) as tf.Tensor2D;
      const out = onKernels.predict(empty);
      expect(out.shape).toEqual([0, 13]);
      expect(onKernels.predictValues(empty)).toHaveLength(0);
      expect(calls.count).toBe(calledBefore);
      tf.dispose([out, empty]);
      expect(() => onKernels.predictValues(tf.zeros([1, 11]) as tf.Tensor2D)).toThrow(/observations have 11 columns/);
    } finally {
      x.dispose();
      onBackend.dispose();
      onKernels.dispose();
    }
  });

  it('trains like the backend (engine "backend"): seeded TB losses equal to rounding, insert and append', async () => {
    const lossesWith = async (engine: string, variant: string): Promise<number[]> => {
      const config = smallConfig({
        seed: 3,
        iterations: 6,
        batchSize: 8,
        engine: { name: engine },
        env: { name: 'bitseq', ndim: 16, wordBits: 4, codebook: 'words', nModes: 8, alpha: 0.25, seed: 0, variant },
        objective: { name: 'tb', lrZ: 0.1 },
        estimator: { name: 'transformer', layers: 1, heads: 2, width: 16, readout: variant === 'insert' ? 'position' : 'mean' },
        evaluation: { mode: 'none' },
      });
      return (await recordRun(config)).iterations.map((e) => e.metrics.loss!);
    };
    const tensorsBefore = tf.memory().numTensors;
    for (const variant of ['insert', 'append']) {
      const backend = await lossesWith('backend', variant);
      const native = await lossesWith('onnxruntime', variant);
      expect(native).toHaveLength(6);
      // logits equal to rounding draw the same trajectories, so every loss agrees to rounding
      native.forEach((loss, i) => expect(Math.abs(loss - backend[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(backend[i]!))));
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
