import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { MultiHeadSelfAttention } from '../../core/tensor/attention.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import { Transformer, type TransformerShape } from '../../core/tensor/transformer.js';
import { expectCentralDifferences } from '../helpers/transformer-differences.js';
import { transformer64 } from './float64-transformer.js';

/** P = 3 positions over V = 4 symbols, width 8, 2 heads, 2 blocks; insert-variant logits P·V + 1. */
const SHAPE: TransformerShape = { layout: { positions: 3, vocabulary: 4 }, outputDim: 13, layers: 2, heads: 2, width: 8, ffWidth: 16, activation: 'relu' };

/** One-hot observations of the given rows of symbols (−1 = empty). */
function encode(rows: number[][], V: number): Float32Array {
  const P = rows[0]!.length;
  const obs = new Float32Array(rows.length * P * V);
  rows.forEach((row, r) => row.forEach((s, p) => s >= 0 && (obs[(r * P + p) * V + s] = 1)));
  return obs;
}

/** Rows covering the empty state, partial states and full ones (the empty vector and every symbol are used). */
const ROWS = [
  [-1, -1, -1],
  [2, -1, 0],
  [3, 1, 2],
  [-1, 3, -1],
];
const OBS = encode(ROWS, 4);

describe('Transformer estimator', () => {
  it.each(['flatten', 'mean', 'position'] as const)('matches an independent float64 forward pass (apply and predict), %s readout', (readout) => {
    const shape = { ...SHAPE, readout };
    const net = new Transformer(shape, new Rng(1), 'fwd');
    const x = tf.tensor2d(OBS, [ROWS.length, 12]);
    const ref = transformer64(shape, flattenValues(net.variables), OBS, ROWS.length);
    for (const out of [net.apply(x), net.predict(x)]) {
      const got = out.dataSync();
      expect(out.shape).toEqual([ROWS.length, 13]);
      ref.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-4 * (1 + Math.abs(v))));
      out.dispose();
    }
    x.dispose();
    net.dispose();
  });

  it.each(['flatten', 'mean', 'position'] as const)('gradients of every variable equal central differences of the float64 network, %s readout', (readout) => {
    const shape = { ...SHAPE, readout };
    const net = new Transformer(shape, new Rng(2), 'grad');
    const x = tf.tensor2d(OBS, [ROWS.length, 12]);
    const u = Float32Array.from({ length: ROWS.length * 13 }, (_, i) => Math.sin(1 + 7 * i));
    const ut = tf.tensor2d(u, [ROWS.length, 13]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), ut)), net.variables);
    expectCentralDifferences(
      shape,
      net.variables,
      net.variables.map((v) => grads[v.name]!.dataSync()),
      OBS,
      ROWS.length,
      u,
    );
    tf.dispose([x, ut, ...Object.values(grads)]);
    net.dispose();
  });

  it('linearisation: J·v equals central differences of the float64 network, Jᵀ·u its adjoint, outputs predict’s, no leaks', () => {
    const net = new Transformer(SHAPE, new Rng(11), 'lin');
    const x = tf.tensor2d(OBS, [ROWS.length, 12]);
    const rng = new Rng(12);
    const tangents = net.variables.map((v) =>
      tf.tensor(
        Float32Array.from({ length: v.size }, () => rng.normal()),
        v.shape,
      ),
    );
    const u = tf.tensor2d(
      Float32Array.from({ length: ROWS.length * 13 }, () => rng.normal()),
      [ROWS.length, 13],
    );
    const round = (): void => {
      const l = net.linearize(x);
      tf.dispose([l.jvp(tangents), ...l.vjp(u)]);
      l.dispose();
    };
    round();
    const before = tf.memory().numTensors;
    round();
    round();
    expect(tf.memory().numTensors).toBe(before);
    const lin = net.linearize(x);
    const predicted = net.predict(x);
    expect(Array.from(lin.outputs.dataSync())).toEqual(Array.from(predicted.dataSync()));
    const jv = lin.jvp(tangents);
    const jtu = lin.vjp(u);
    // J·v against central differences of the float64 pass along v
    const theta = flattenValues(net.variables);
    const v = new Float64Array(theta.length);
    let off = 0;
    for (const t of tangents) {
      v.set(t.dataSync(), off);
      off += t.size;
    }
    const h = 1e-6;
    const plus = transformer64(
      SHAPE,
      theta.map((t, k) => t + h * v[k]!),
      OBS,
      ROWS.length,
    );
    const minus = transformer64(
      SHAPE,
      theta.map((t, k) => t - h * v[k]!),
      OBS,
      ROWS.length,
    );
    const got = jv.dataSync();
    plus.forEach((p, k) => {
      const fd = (p - minus[k]!) / (2 * h);
      expect(Math.abs(got[k]! - fd), `output ${k}: ${got[k]} vs ${fd}`).toBeLessThan(1e-3 * (Math.abs(fd) + 0.05));
    });
    // ⟨J·v, u⟩ = ⟨v, Jᵀ·u⟩
    const left = tf.tidy(() => tf.sum(tf.mul(jv, u)).dataSync()[0]!);
    const right = tf.tidy(() => jtu.reduce((sum, g, i) => sum + tf.sum(tf.mul(g, tangents[i]!)).dataSync()[0]!, 0));
    expect(Math.abs(left - right)).toBeLessThan(1e-4 * (Math.abs(left) + 1));
    tf.dispose([jv, ...jtu, predicted]);
    lin.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, u, ...tangents]);
    net.dispose();
  });

  it('attention is permutation-equivariant: permuting the tokens permutes the outputs', () => {
    const att = new MultiHeadSelfAttention(8, 2, new Rng(3), 'perm');
    const P = 5;
    const rng = new Rng(4);
    const tokens = Array.from({ length: P }, () => Array.from({ length: 8 }, () => rng.normal()));
    const perm = [3, 0, 4, 1, 2];
    const run = (rows: number[][]): number[][] => tf.tidy(() => att.apply(tf.tensor2d(rows), P).arraySync());
    const direct = run(tokens);
    const permuted = run(perm.map((p) => tokens[p]!));
    perm.forEach((p, i) => direct[p]!.forEach((v, c) => expect(permuted[i]![c]).toBeCloseTo(v, 5)));
    // and the tokens do mix: a token's output depends on the others
    const alone = run([tokens[0]!, tokens[0]!, tokens[0]!, tokens[0]!, tokens[0]!]);
    expect(Math.max(...alone[0]!.map((v, c) => Math.abs(v - direct[0]![c]!)))).toBeGreaterThan(1e-3);
    att.dispose();
  });

  it('is deterministic from the seed', () => {
    const values = (seed: number): Float64Array => {
      const net = new Transformer(SHAPE, new Rng(seed), `det${seed}`);
      const v = flattenValues(net.variables);
      net.dispose();
      return v;
    };
    expect(values(5)).toEqual(values(5));
    expect(values(5)).not.toEqual(values(6));
  });

  it('a shared-trunk head trains the trunk and frees only its own readout', () => {
    const net = new Transformer(SHAPE, new Rng(7), 'trunk');
    const head = net.withSharedTrunk(12, new Rng(8), 'trunk-head');
    expect(head.variables.length).toBe(net.variables.length);
    expect(head.variables.slice(0, -2)).toEqual(net.variables.slice(0, -2));
    const x = tf.tensor2d(OBS, [ROWS.length, 12]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(head.apply(x))), [...head.variables]);
    expect(grads[net.embedding.token.name]).toBeDefined();
    const p = head.predict(x);
    expect(p.shape).toEqual([ROWS.length, 12]);
    tf.dispose([x, value, p, ...Object.values(grads)]);
    head.dispose();
    expect(net.variables.every((v) => !v.isDisposed)).toBe(true);
    net.dispose();
  });

  it('handles an empty batch and leaks no tensor over repeated apply, gradient and predict', () => {
    const net = new Transformer(SHAPE, new Rng(9), 'leak');
    const x = tf.tensor2d(OBS, [ROWS.length, 12]);
    expectEmptyBatchAndNoLeaks(net, x);
    net.dispose();
  });

  it('position readout: a logit of action symbol·P + position moves only with its own token; no exit without the extra output; empty batch; no leaks', () => {
    const net = new Transformer({ ...SHAPE, readout: 'position' }, new Rng(12), 'pos');
    const x = tf.tensor2d(OBS, [ROWS.length, 12]);
    // the head reads one token: with every block's output projection and feed-forward zeroed, token p
    // is LN(embedding of position p), so changing the symbol at position 2 changes only the logits of
    // position 2 (actions s·3 + 2) and the exit logit (the mean)
    for (const b of net.blocks) for (const v of b.variables) if (/attention\/out\/|\/ff2\//.test(v.name)) v.assign(tf.zerosLike(v));
    const logits = (rows: number[][]): Float32Array => tf.tidy(() => net.predict(tf.tensor2d(encode(rows, 4), [rows.length, 12])).dataSync() as Float32Array);
    const a = logits([[2, -1, 0]]);
    const c = logits([[2, -1, 3]]);
    const changed = Array.from(a, (v, i) => (Math.abs(v - c[i]!) > 1e-6 ? i : -1)).filter((i) => i >= 0);
    expect(changed).toEqual([2, 5, 8, 11, 12]);
    expectEmptyBatchAndNoLeaks(net, x);
    net.dispose();
    const noExit = new Transformer({ ...SHAPE, outputDim: 12, readout: 'position' }, new Rng(13), 'pos12');
    expect(noExit.variables.length).toBe(net.variables.length - 2);
    noExit.dispose();
  });

  it('position readout refuses an action space that is not positions x vocabulary (+ exit)', () => {
    for (const outputDim of [1, 4, 11, 14]) {
      expect(() => new Transformer({ ...SHAPE, outputDim, readout: 'position' }, new Rng(14), 'bad')).toThrow(
        new RegExp(`positions x vocabulary \\(\\+ exit\\) = 12 or 13 outputs, got ${outputDim}`),
      );
    }
  });

  it('rejects observations of the wrong width with the layout in the message', () => {
    const net = new Transformer(SHAPE, new Rng(10), 'width');
    const x = tf.zeros([2, 10]) as tf.Tensor2D;
    expect(() => net.predict(x)).toThrow(/10 columns.*3 positions x 4 symbols = 12/);
    x.dispose();
    net.dispose();
  });
});

/** Apply + gradient + predict (also on an empty batch) leak no tensor over repeated rounds; disposes `x`. */
function expectEmptyBatchAndNoLeaks(net: Transformer, x: tf.Tensor2D): void {
  const empty = tf.zeros([0, 12]) as tf.Tensor2D;
  const round = (): void => {
    const { value, grads } = tf.variableGrads(() => tf.mean(net.apply(x)), net.variables);
    tf.dispose([value, ...Object.values(grads), net.predict(x), net.predict(empty)]);
  };
  round();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) round();
  expect(tf.memory().numTensors).toBe(before);
  const none = net.predict(empty);
  expect(none.shape).toEqual([0, 13]);
  tf.dispose([x, empty, none]);
}
