import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../base/rng.js';
import type { DenseChainKernels } from './dense-chain.js';
import { readValues } from './read.js';
import { Transformer } from './transformer.js';
import type { TransformerShape } from './transformer-shape.js';

/** The self-test's networks: every readout, both kinds of position head, every activation. */
const SHAPES: readonly TransformerShape[] = [
  { layout: { positions: 3, vocabulary: 4 }, outputDim: 13, layers: 2, heads: 2, width: 4, ffWidth: 6, activation: 'relu', readout: 'position' },
  { layout: { positions: 3, vocabulary: 4 }, outputDim: 12, layers: 1, heads: 1, width: 4, ffWidth: 4, activation: 'tanh', readout: 'position' },
  { layout: { positions: 2, vocabulary: 3 }, outputDim: 4, layers: 1, heads: 2, width: 4, ffWidth: 5, activation: 'linear', readout: 'flatten' },
  { layout: { positions: 2, vocabulary: 3 }, outputDim: 1, layers: 1, heads: 2, width: 4, ffWidth: 5, activation: 'relu', readout: 'mean' },
];

/** Rows of each test: the empty sequence, a full one, a partial one. */
function testRows({ positions: P, vocabulary: V }: TransformerShape['layout']): Float32Array {
  const x = new Float32Array(3 * P * V);
  for (let p = 0; p < P; p++) {
    x[(P + p) * V + ((p + 1) % V)] = 1;
    if (p % 2 === 0) x[(2 * P + p) * V + ((2 * p) % V)] = 1;
  }
  return x;
}

/**
 * Checks `kernels.transformerForward` (where the kernels have it) against the tensor backend's
 * Transformer on tiny networks: the outputs, and the gradients of every parameter where the
 * kernels have `transformerBackward`, must agree to float32 rounding.
 * Returns what differs, or undefined; part of the engine's self-test when it starts. Leaves no
 * tensor behind.
 *
 * @param difference what is wrong with `actual` against `expected`, or undefined when they agree
 */
export function selfTestTransformer(
  kernels: DenseChainKernels,
  difference: (what: string, actual: unknown, expected: Float32Array) => string | undefined,
): string | undefined {
  if (!kernels.transformerForward) return undefined;
  for (const [i, shape] of SHAPES.entries()) {
    const net = new Transformer(shape, new Rng(i + 1), `self-test-${i}`);
    try {
      const x = testRows(shape.layout);
      const rows = x.length / (shape.layout.positions * shape.layout.vocabulary);
      const expected = readValues(() => net.predict(tf.tensor2d(x, [rows, net.inputDim])));
      const parameters = net.variables.map((v) => v.dataSync() as Float32Array);
      let actual: unknown;
      try {
        actual = kernels.transformerForward({ shape: net.shape, parameters }, x, rows);
      } catch (error) {
        return `its Transformer pass threw: ${error instanceof Error ? error.message : String(error)}`;
      }
      const what = `${shape.readout} readout, ${shape.activation}`;
      const wrong = difference(`the Transformer output (${what})`, actual, expected) ?? gradientDifference(kernels, net, x, rows, what, difference);
      if (wrong !== undefined) return wrong;
    } finally {
      net.dispose();
    }
  }
  return undefined;
}

/** What differs between the kernels' Transformer gradients and the backend's (where the kernels have them), or undefined. */
function gradientDifference(
  kernels: DenseChainKernels,
  net: Transformer,
  x: Float32Array,
  rows: number,
  what: string,
  difference: (what: string, actual: unknown, expected: Float32Array) => string | undefined,
): string | undefined {
  if (!kernels.transformerBackward) return undefined;
  const dy = Float32Array.from({ length: rows * net.outputDim }, (_, i) => Math.sin(0.9 * (i + 1)));
  const expected = tf.tidy(() => {
    const seed = tf.tensor2d(dy, [rows, net.outputDim]);
    const input = tf.tensor2d(x, [rows, net.inputDim]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(input), seed)), net.variables);
    value.dispose();
    return net.variables.map((v) => grads[v.name]!.dataSync() as Float32Array);
  });
  let actual: unknown[];
  try {
    actual = kernels.transformerBackward({ shape: net.shape, parameters: net.variables.map((v) => v.dataSync() as Float32Array) }, x, dy, rows);
  } catch (error) {
    return `its Transformer gradient threw: ${error instanceof Error ? error.message : String(error)}`;
  }
  for (const [i, v] of net.variables.entries()) {
    const wrong = difference(`the Transformer gradient of ${v.name.replace(/^self-test-\d+\//, '').replace(/#\d+$/, '')} (${what})`, actual[i], expected[i]!);
    if (wrong !== undefined) return wrong;
  }
  return undefined;
}
