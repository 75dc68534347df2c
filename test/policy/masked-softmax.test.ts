import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { MASKED_LOGIT, maskedEntropy, maskedLogSoftmax, maskedLogSumExp, takenLogProbs } from '../../core/policy/masked-softmax.js';

// The fused masked-softmax ops against their definitions, computed here in float64 from the same
// float32 logits: values to float32 rounding, gradients against central differences of the
// float64 definition, masked entries' gradients exactly 0.

interface Case {
  m: number;
  a: number;
  logits: Float32Array;
  mask: Uint8Array;
  actions: Int32Array;
  /** Per-row (or per-entry, for the log-softmax) weights of the scalar whose gradient is checked. */
  weights: Float64Array;
}

/** Random logits in [−3, 3], a random mask with at least one allowed action per row, and an allowed action per row. */
function randomCase(m: number, a: number, seed: number, allowedFraction = 0.5): Case {
  const rng = new Rng(seed);
  const logits = Float32Array.from({ length: m * a }, () => 6 * rng.uniform() - 3);
  const mask = Uint8Array.from({ length: m * a }, () => (rng.uniform() < allowedFraction ? 1 : 0));
  const actions = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    const forced = rng.int(a);
    mask[r * a + forced] = 1;
    const allowed = [...Array(a).keys()].filter((k) => mask[r * a + k]);
    actions[r] = allowed[rng.int(allowed.length)]!;
  }
  const weights = Float64Array.from({ length: m * a }, () => 2 * rng.uniform() - 1);
  return { m, a, logits, mask, actions, weights };
}

/** Float64 log Σ exp over the allowed entries of row r. */
function logSumExpRow(x: ArrayLike<number>, mask: Uint8Array, r: number, a: number): number {
  const allowed = [...Array(a).keys()].filter((k) => mask[r * a + k]).map((k) => x[r * a + k]!);
  const max = Math.max(...allowed);
  return max + Math.log(allowed.reduce((s, v) => s + Math.exp(v - max), 0));
}

/** Float64 masked log-softmax of row r (NaN where masked). */
function logSoftmaxRow(x: ArrayLike<number>, mask: Uint8Array, r: number, a: number): number[] {
  const lse = logSumExpRow(x, mask, r, a);
  return [...Array(a).keys()].map((k) => (mask[r * a + k] ? x[r * a + k]! - lse : Number.NaN));
}

const definitions = {
  taken: (x: ArrayLike<number>, c: Case) => Array.from({ length: c.m }, (_, r) => logSoftmaxRow(x, c.mask, r, c.a)[c.actions[r]!]!),
  logSoftmax: (x: ArrayLike<number>, c: Case) => Array.from({ length: c.m }, (_, r) => logSoftmaxRow(x, c.mask, r, c.a)).flat(),
  logSumExp: (x: ArrayLike<number>, c: Case) => Array.from({ length: c.m }, (_, r) => logSumExpRow(x, c.mask, r, c.a)),
  entropy: (x: ArrayLike<number>, c: Case) =>
    Array.from({ length: c.m }, (_, r) => -logSoftmaxRow(x, c.mask, r, c.a).reduce((s, lp) => (Number.isNaN(lp) ? s : s + Math.exp(lp) * lp), 0)),
};
type OpName = keyof typeof definitions;

function op(name: OpName, logits: tf.Tensor2D, c: Case): tf.Tensor {
  if (name === 'taken') return takenLogProbs(logits, c.mask, c.actions);
  if (name === 'logSoftmax') return maskedLogSoftmax(logits, c.mask);
  if (name === 'logSumExp') return maskedLogSumExp(logits, c.mask);
  return maskedEntropy(logits, c.mask);
}

/** Σ weights ⊙ definition over allowed outputs (the log-softmax's masked outputs are constants). */
function weightedDefinition(name: OpName, x: ArrayLike<number>, c: Case): number {
  return definitions[name](x, c).reduce((s, v, i) => (Number.isNaN(v) ? s : s + c.weights[i]! * v), 0);
}

/** The op's values and the gradient of Σ weights ⊙ op(logits) with respect to the logits. */
function valuesAndGradient(name: OpName, c: Case): { values: Float32Array; gradient: Float32Array } {
  const logits = tf.tensor2d(c.logits, [c.m, c.a]);
  const values = tf.tidy(() => op(name, logits, c).dataSync() as Float32Array);
  const size = name === 'logSoftmax' ? c.m * c.a : c.m;
  const w = tf.tensor1d(Float32Array.from(c.weights.subarray(0, size)));
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.reshape(op(name, x as tf.Tensor2D, c), [-1]), w)))(logits);
  const gradient = g.dataSync() as Float32Array;
  tf.dispose([logits, w, g]);
  return { values, gradient };
}

const OPS: OpName[] = ['taken', 'logSoftmax', 'logSumExp', 'entropy'];

describe('fused masked softmax ops', () => {
  it.each(OPS)('%s: values equal the float64 definition to float32 rounding; masked log-softmax entries are MASKED_LOGIT', (name) => {
    const c = randomCase(7, 11, 1);
    const { values } = valuesAndGradient(name, c);
    const expected = definitions[name](c.logits, c);
    expect(values).toHaveLength(expected.length);
    expected.forEach((v, i) => {
      if (Number.isNaN(v)) expect(values[i]).toBe(MASKED_LOGIT);
      else expect(Math.abs(values[i]! - v)).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(v)));
    });
  });

  it.each(OPS)('%s: gradient equals central differences of the definition; masked entries get exactly 0', (name) => {
    const c = randomCase(5, 9, 2);
    const { gradient } = valuesAndGradient(name, c);
    const x = Float64Array.from(c.logits);
    const h = 1e-5;
    let worst = 0;
    for (let k = 0; k < x.length; k++) {
      const saved = x[k]!;
      x[k] = saved + h;
      const up = weightedDefinition(name, x, c);
      x[k] = saved - h;
      const down = weightedDefinition(name, x, c);
      x[k] = saved;
      const numeric = (up - down) / (2 * h);
      if (!c.mask[k]) {
        expect(numeric).toBe(0);
        expect(Object.is(gradient[k], 0)).toBe(true);
      } else worst = Math.max(worst, Math.abs(gradient[k]! - numeric) / Math.max(1e-3, Math.abs(numeric)));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it.each(OPS.filter((o) => o !== 'logSumExp'))('%s: rows with one allowed action: log π = 0, entropy 0, gradient 0 everywhere', (name) => {
    const c = randomCase(4, 6, 3);
    c.mask.fill(0);
    for (let r = 0; r < c.m; r++) c.mask[r * c.a + c.actions[r]!] = 1;
    const { values, gradient } = valuesAndGradient(name, c);
    for (let r = 0; r < c.m; r++) {
      if (name === 'logSoftmax') expect(values[r * c.a + c.actions[r]!]).toBe(0);
      else expect(values[r]).toBe(0);
    }
    // the log-softmax's one allowed entry: dy − p·Σdy = dy − dy
    gradient.forEach((g) => expect(Object.is(g, 0)).toBe(true));
  });

  it.each(OPS)('%s: an empty batch gives an empty output and an empty gradient', (name) => {
    const c: Case = { m: 0, a: 5, logits: new Float32Array(0), mask: new Uint8Array(0), actions: new Int32Array(0), weights: new Float64Array(0) };
    const { values, gradient } = valuesAndGradient(name, c);
    expect(values).toHaveLength(0);
    expect(gradient).toHaveLength(0);
  });

  it.each(OPS)('%s: leaks no tensor and ignores changes to the mask array after the forward pass', (name) => {
    const c = randomCase(6, 8, 4);
    const before = tf.memory().numTensors;
    const expected = valuesAndGradient(name, c).gradient;
    expect(tf.memory().numTensors).toBe(before);
    const logits = tf.tensor2d(c.logits, [c.m, c.a]);
    const w = tf.tensor1d(Float32Array.from(c.weights.subarray(0, name === 'logSoftmax' ? c.m * c.a : c.m)));
    const g = tf.grad((x: tf.Tensor) => {
      const out = op(name, x as tf.Tensor2D, c);
      c.mask.fill(1); // a caller reusing its mask buffer before the backward pass
      return tf.sum(tf.mul(tf.reshape(out, [-1]), w));
    })(logits);
    expect(g.dataSync()).toEqual(expected);
    tf.dispose([logits, w, g]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('taken with rows: each action reads its distinct row; gradients summed into it equal central differences', () => {
    const u = randomCase(4, 7, 6);
    const rows = Int32Array.from([0, 2, 2, 1, 0, 2, 3, 2]);
    const rng = new Rng(7);
    const actions = Int32Array.from(rows, (row) => {
      const allowed = [...Array(u.a).keys()].filter((k) => u.mask[row * u.a + k]);
      return allowed[rng.int(allowed.length)]!;
    });
    actions[2] = actions[1]!; // two actions taking the same entry of one distinct row
    const w = Float64Array.from(rows, () => 2 * rng.uniform() - 1);
    const definition = (x: ArrayLike<number>): number[] => Array.from(rows, (row, r) => logSoftmaxRow(x, u.mask, row, u.a)[actions[r]!]!);
    const logits = tf.tensor2d(u.logits, [u.m, u.a]);
    const wt = tf.tensor1d(Float32Array.from(w));
    const values = tf.tidy(() => takenLogProbs(logits, u.mask, actions, rows).dataSync());
    definition(u.logits).forEach((v, r) => expect(Math.abs(values[r]! - v)).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(v))));
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(takenLogProbs(x as tf.Tensor2D, u.mask, actions, rows), wt)))(logits);
    const gradient = g.dataSync();
    tf.dispose([logits, wt, g]);
    const x = Float64Array.from(u.logits);
    const weighted = (): number => definition(x).reduce((acc, v, r) => acc + w[r]! * v, 0);
    const h = 1e-5;
    for (let k = 0; k < x.length; k++) {
      const saved = x[k]!;
      x[k] = saved + h;
      const up = weighted();
      x[k] = saved - h;
      const down = weighted();
      x[k] = saved;
      const numeric = (up - down) / (2 * h);
      if (!u.mask[k]) expect(Object.is(gradient[k], 0)).toBe(true);
      else expect(Math.abs(gradient[k]! - numeric) / Math.max(1e-3, Math.abs(numeric))).toBeLessThan(1e-5);
    }
  });

  it('fails early on bad input, naming it', () => {
    const logits = tf.tensor2d([0, 1, 2, 3, 4, 5], [2, 3]);
    expect(() => maskedEntropy(logits, new Uint8Array([1, 1, 1, 0, 0, 0]))).toThrow(/maskedEntropy: row 1 of 2 has no allowed action/);
    expect(() => takenLogProbs(logits, new Uint8Array([1, 0, 1, 1, 1, 1]), new Int32Array([1, 0]))).toThrow(/action 1 of row 0 is not allowed/);
    expect(() => takenLogProbs(logits, new Uint8Array([1, 1, 1, 1, 1, 1]), new Int32Array([0, 3]))).toThrow(/action 3 of row 1/);
    expect(() => takenLogProbs(logits, new Uint8Array(5), new Int32Array([0, 1]))).toThrow(/mask has 5 entries, expected .* 6/);
    expect(() => takenLogProbs(logits, new Uint8Array(6).fill(1), new Int32Array([0]))).toThrow(/actions has 1 entries, expected one per row \(2\)/);
    expect(() => maskedLogSoftmax(logits, new Uint8Array([0, 0, 0, 1, 1, 1]))).toThrow(/row 0 .*no allowed action/);
    expect(() => maskedEntropy(logits, new Uint8Array(7))).toThrow(/mask has 7 entries/);
    const all = new Uint8Array(6).fill(1);
    expect(() => takenLogProbs(logits, all, new Int32Array([0, 1, 2]), Int32Array.from([0, 1, 2]))).toThrow(
      /rows\[2\] = 2 is not a row of the logits \(valid: 0..1\)/,
    );
    expect(() => takenLogProbs(logits, all, new Int32Array([0, 1]), Int32Array.from([0, 1, 1]))).toThrow(/actions has 2 entries, expected one per row \(3\)/);
    expect(() => maskedLogSumExp(logits, new Uint8Array([0, 0, 0, 1, 0, 0]))).toThrow(/maskedLogSumExp: row 0 of 2 has no allowed action/);
    logits.dispose();
  });
});

// other backends hand out a copy of the logits rather than a view of their heap
describe('fused masked softmax ops on the cpu backend', () => {
  const previous = tf.getBackend();
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it.each(OPS)('%s: the same values and gradient as on the default backend, to float32 rounding', (name) => {
    const c = randomCase(6, 7, 5);
    const { values, gradient } = valuesAndGradient(name, c);
    expect(tf.getBackend()).toBe('cpu');
    definitions[name](c.logits, c).forEach((v, i) => {
      if (Number.isNaN(v)) expect(values[i]).toBe(MASKED_LOGIT);
      else expect(Math.abs(values[i]! - v)).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(v)));
    });
    gradient.forEach((g, k) => {
      if (!c.mask[k]) expect(Object.is(g, 0)).toBe(true);
    });
  });
});
