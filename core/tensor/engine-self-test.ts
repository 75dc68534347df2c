import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './dense.js';
import type { DenseChainKernels, DenseLayerValues } from './dense-chain.js';
import { selfTestTransformer } from './transformer-self-test.js';

/** The self-test's network: one layer of each activation, so that a wrong derivative of any shows. */
const SHAPE: ReadonlyArray<[inDim: number, outDim: number, activation: Activation]> = [
  [4, 5, 'relu'],
  [5, 3, 'tanh'],
  [3, 2, 'linear'],
];
const ROWS = 3;
/**
 * Largest relative difference accepted: the same float32 sums in another order differ by ~1e-7 of
 * their scale; a wrong graph, a transposed product or a missing derivative is off by O(1).
 */
const TOLERANCE = 1e-4;

/** Values in (−1, 1), fixed by `seed`, with both signs (so relu's cut matters). */
function fixedValues(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * seed));
}

function testNetwork(): { layers: DenseLayerValues[]; x: Float32Array; dy: Float32Array } {
  const layers = SHAPE.map(([inDim, outDim, activation], l) => ({
    inDim,
    outDim,
    activation,
    weight: fixedValues(inDim * outDim, 1.3 + l),
    bias: fixedValues(outDim, 2.1 + l),
  }));
  return { layers, x: fixedValues(ROWS * SHAPE[0]![0], 0.7), dy: fixedValues(ROWS * SHAPE[SHAPE.length - 1]![1], 0.9) };
}

function activate(z: tf.Tensor, activation: Activation): tf.Tensor {
  return activation === 'relu' ? tf.relu(z) : activation === 'tanh' ? tf.tanh(z) : z;
}

/** The network's output and the gradients of Σ y ⊙ dy (each weight, then each bias) on the tensor backend. */
function onBackend(layers: readonly DenseLayerValues[], x: Float32Array, dy: Float32Array): { y: Float32Array; gradients: Float32Array[] } {
  return tf.tidy(() => {
    const params = layers.flatMap((l) => [tf.tensor2d(l.weight, [l.inDim, l.outDim]), tf.tensor1d(l.bias)]);
    const input = tf.tensor2d(x, [ROWS, layers[0]!.inDim]);
    const network = (...p: tf.Tensor[]): tf.Tensor =>
      layers.reduce<tf.Tensor>((h, l, i) => activate(tf.add(tf.matMul(h as tf.Tensor2D, p[2 * i] as tf.Tensor2D), p[2 * i + 1]!), l.activation), input);
    const y = network(...params);
    const grads = tf.grads((...p: tf.Tensor[]) => tf.sum(tf.mul(network(...p), tf.tensor2d(dy, y.shape as [number, number]))))(params);
    const gradients = [...grads.filter((_, k) => k % 2 === 0), ...grads.filter((_, k) => k % 2 === 1)];
    return { y: y.dataSync() as Float32Array, gradients: gradients.map((g) => g.dataSync() as Float32Array) };
  });
}

/** What is wrong with `actual` against `expected`, or undefined when they agree to {@link TOLERANCE}. */
function difference(what: string, actual: unknown, expected: Float32Array): string | undefined {
  if (!(actual instanceof Float32Array)) return `${what}: expected ${expected.length} float32 values, got ${describe(actual)}`;
  if (actual.length !== expected.length) return `${what}: expected ${expected.length} values, got ${actual.length}`;
  let worst = 0;
  let scale = 1e-30;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  // NaN compares false everywhere: caught here rather than passing as a zero difference
  const relative = worst / scale;
  return relative <= TOLERANCE ? undefined : `${what} differs from the tensor backend's by ${relative.toPrecision(3)} (relative; at most ${TOLERANCE})`;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof (value as { then?: unknown }).then === 'function') return 'a promise (an asynchronous call where a synchronous one was expected)';
  return (value as object).constructor?.name ?? typeof value;
}

/**
 * Checks training `kernels` against the tensor backend on a tiny network (three rows through a
 * relu, a tanh and a linear layer): the forward pass's output and the backward pass's gradient of
 * every weight and bias must agree to float32 rounding; where the kernels have a Transformer pass,
 * its outputs on tiny Transformers too (`transformer-self-test.ts`). Run when an engine starts, after the tensor
 * backend is chosen, so that an engine whose native code changed under it is caught before it
 * trains. Returns what differs (the first thing), or undefined when the kernels pass; an exception
 * inside the kernels is a failure too. Leaves no tensor behind.
 */
export function selfTestKernels(kernels: DenseChainKernels): string | undefined {
  const { layers, x, dy } = testNetwork();
  let forward: { y: Float32Array; hidden: Float32Array[] };
  let backward: { weights: Float32Array[]; biases: Float32Array[] };
  try {
    forward = kernels.forward(layers, x, ROWS, true);
    backward = kernels.backward(layers, x, forward.hidden, dy, ROWS);
  } catch (error) {
    return `its passes threw: ${error instanceof Error ? error.message : String(error)}`;
  }
  const expected = onBackend(layers, x, dy);
  const actual: Array<[string, unknown]> = [
    ['the output', forward.y],
    ...layers.map((_, l): [string, unknown] => [`the gradient of layer ${l}'s weight`, backward.weights?.[l]]),
    ...layers.map((_, l): [string, unknown] => [`the gradient of layer ${l}'s bias`, backward.biases?.[l]]),
  ];
  for (const [k, [what, values]] of actual.entries()) {
    const wrong = difference(what, values, k === 0 ? expected.y : expected.gradients[k - 1]!);
    if (wrong !== undefined) return wrong;
  }
  return selfTestTransformer(kernels, difference);
}
