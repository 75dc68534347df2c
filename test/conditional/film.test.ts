import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import { FilmMlp } from '../../core/tensor/film-mlp.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { gradient } from '../algorithms/enumeration.js';
import { filmLogits64, randomizeFilm } from './film64.js';

/*
 * The FiLM MLP, h_l = act((1 + f Γ_l) ⊙ (W_l h + b_l) + f Β_l) with f the input's condition
 * columns: its outputs against a float64 computation with plain loops, its gradient in every
 * parameter (W, b, Γ, Β of every layer) against central differences of that computation, and its
 * start (Γ = Β = 0) against the unmodulated MLP of the same draws.
 */
const ROWS = 5;
const INPUT = 6;
const CONDITION = { start: 4, width: 2 };

function input(seed: number): Float32Array {
  const rng = new Rng(seed);
  // observation columns in [0, 1), the condition's features like (log β, β)
  return Float32Array.from({ length: ROWS * INPUT }, (_, i) => (i % INPUT === 4 ? Math.log(0.5 + 3 * rng.uniform()) : 4 * rng.uniform()));
}

function film(activation: 'tanh' | 'relu', name: string): FilmMlp {
  const net = new FilmMlp({ inputDim: INPUT, hidden: [7, 5], outputDim: 3, activation, condition: CONDITION }, new Rng(11), name);
  randomizeFilm(net, new Rng(12));
  return net;
}

describe('the FiLM MLP', () => {
  for (const activation of ['tanh', 'relu'] as const) {
    it(`${activation}: its outputs match the float64 computation`, () => {
      const net = film(activation, `film-out-${activation}`);
      const x = input(1);
      const got = tf.tidy(() => net.predict(tf.tensor2d(x, [ROWS, INPUT])).dataSync());
      const applied = tf.tidy(() => net.apply(tf.tensor2d(x, [ROWS, INPUT])).dataSync());
      const want = filmLogits64(net, flattenValues(net.variables), x, ROWS);
      const scale = Math.max(...Array.from(want, Math.abs));
      expect(scale).toBeGreaterThan(0.1);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5 * scale);
      // inference and training see the same values, bit for bit
      expect(Array.from(applied)).toEqual(Array.from(got));
      net.dispose();
    });
  }

  it('its gradient in every W, b, Γ and Β matches central differences of the float64 computation', () => {
    const net = film('tanh', 'film-grad');
    const x = input(2);
    const u = Float32Array.from({ length: ROWS * 3 }, (_, i) => Math.sin(i + 1));
    const got = gradient(() => tf.sum(tf.mul(net.apply(tf.tensor2d(x, [ROWS, INPUT])), tf.tensor2d(u, [ROWS, 3]))) as tf.Scalar, net.variables);
    const theta = flattenValues(net.variables);
    const objective = (p: Float64Array): number => filmLogits64(net, p, x, ROWS).reduce((s, v, i) => s + v * u[i]!, 0);
    const h = 1e-6;
    let scale = 0;
    let worst = 0;
    // every parameter, the modulations' included (their places: after each hidden layer's b)
    expect(got.length).toBe(theta.length);
    expect(theta.length).toBe(6 * 7 + 7 + 2 * 2 * 7 + 7 * 5 + 5 + 2 * 2 * 5 + 5 * 3 + 3);
    for (let k = 0; k < theta.length; k++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[k]! += h;
      minus[k]! -= h;
      const fd = (objective(plus) - objective(minus)) / (2 * h);
      scale = Math.max(scale, Math.abs(fd));
      worst = Math.max(worst, Math.abs(fd - got[k]!));
    }
    expect(scale).toBeGreaterThan(0.1);
    expect(worst).toBeLessThan(1e-4 * scale);
    net.dispose();
  });

  it('starts at γ = 1, β = 0: the MLP of the same draws, bit for bit, and a shared trunk sees the modulation', () => {
    const shape = { inputDim: INPUT, hidden: [7, 5], outputDim: 3, activation: 'relu' as const };
    const plain = new Mlp(shape, new Rng(11), 'film-plain');
    const net = new FilmMlp({ ...shape, condition: CONDITION }, new Rng(11), 'film-start');
    const x = tf.tensor2d(input(3), [ROWS, INPUT]);
    expect(Array.from(tf.tidy(() => net.predict(x).dataSync()))).toEqual(Array.from(tf.tidy(() => plain.predict(x).dataSync())));
    const head = net.withSharedTrunk(2, new Rng(13), 'film-head');
    const before = tf.tidy(() => head.predict(x).dataSync());
    randomizeFilm(net, new Rng(14));
    const after = tf.tidy(() => head.predict(x).dataSync());
    expect(Array.from(after)).not.toEqual(Array.from(before));
    expect(head.variables.length).toBe(net.variables.length - 2 + 2);
    head.dispose();
    x.dispose();
    plain.dispose();
    net.dispose();
  });

  it('its linearisation (RL-T): J·v matches central differences of the float64 computation along v', () => {
    const net = film('tanh', 'film-jvp');
    const x = input(5);
    const rng = new Rng(6);
    const theta = flattenValues(net.variables);
    const v = Float64Array.from(theta, () => rng.uniform() - 0.5);
    const h = 1e-6;
    const plus = theta.map((t, k) => t + h * v[k]!);
    const minus = theta.map((t, k) => t - h * v[k]!);
    const [lp, lm] = [filmLogits64(net, plus, x, ROWS), filmLogits64(net, minus, x, ROWS)];
    const want = lp.map((p, k) => (p - lm[k]!) / (2 * h));
    const xs = tf.tensor2d(x, [ROWS, INPUT]);
    const lin = net.linearize(xs);
    let off = 0;
    const tangents = net.variables.map((variable) => {
      const t = tf.tensor(Float32Array.from(v.subarray(off, off + variable.size)), variable.shape);
      off += variable.size;
      return t;
    });
    const got = tf.tidy(() => lin.jvp(tangents).dataSync());
    const scale = Math.max(...Array.from(want, Math.abs));
    expect(scale).toBeGreaterThan(0.1);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4 * scale);
    tf.dispose(tangents);
    lin.dispose();
    xs.dispose();
    net.dispose();
  });

  it('leaves no tensor behind: predict, predictValues, a gradient, dispose', () => {
    const before = tf.memory().numTensors;
    const net = film('relu', 'film-leak');
    const head = net.withSharedTrunk(2, new Rng(2), 'film-leak-head');
    const x = tf.tensor2d(input(4), [ROWS, INPUT]);
    const made = tf.memory().numTensors;
    tf.dispose([net.predict(x), head.predict(x)]);
    net.predictValues(x);
    gradient(() => tf.sum(tf.add(tf.sum(net.apply(x)), tf.sum(head.apply(x)))) as tf.Scalar, [...net.variables, ...head.variables.slice(-2)]);
    expect(tf.memory().numTensors).toBe(made);
    x.dispose();
    head.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses condition columns outside its input', () => {
    expect(
      () => new FilmMlp({ inputDim: 4, hidden: [3], outputDim: 2, activation: 'relu', condition: { start: 3, width: 2 } }, new Rng(1), 'film-bad'),
    ).toThrow(/condition columns \[3, 5\) are not within the input's 4/);
  });
});
