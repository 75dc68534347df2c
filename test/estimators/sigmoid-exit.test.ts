import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { logProbabilities, SigmoidExitPolicy } from '../../core/policy/sigmoid-exit.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';

const Z = [
  [0.5, -1.25, 2, 0.75],
  [-3, 0.25, 1.5, -2],
];

/** log P by hand: exit = log σ(z_e); action a = log σ(−z_e) + z_a − log Σ_b e^{z_b}. */
function byHand(z: number[]): number[] {
  const e = z[z.length - 1]!;
  const acts = z.slice(0, -1);
  const lse = Math.log(acts.reduce((s, v) => s + Math.exp(v), 0));
  const logSig = (x: number): number => -Math.log1p(Math.exp(-x));
  return [...acts.map((v) => logSig(-e) + v - lse), logSig(e)];
}

describe('SigmoidExitPolicy', () => {
  it('gives log σ(z_exit) to exit and the rest of the mass to a softmax over the other actions', () => {
    const out = tf.tidy(() => logProbabilities(tf.tensor2d(Z)).arraySync());
    out.forEach((row, r) => {
      row.forEach((v, k) => expect(v).toBeCloseTo(byHand(Z[r]!)[k]!, 5));
      expect(row.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 5);
    });
  });

  it('log P(exit) − log P(a) depends on every action logit (the normalisation an MDB residual needs), checked by finite differences', () => {
    const z = Z[0]!;
    const a = 1;
    const diff = (v: number[]): number => {
      const p = byHand(v);
      return p[p.length - 1]! - p[a]!;
    };
    const g = tf.tidy(() => {
      const f = (x: tf.Tensor): tf.Scalar => {
        const lp = logProbabilities(x as tf.Tensor2D);
        return tf.sub(tf.slice(lp, [0, 3], [1, 1]), tf.slice(lp, [0, a], [1, 1])).sum() as tf.Scalar;
      };
      return tf
        .grad(f)(tf.tensor2d([z]))
        .arraySync() as number[][];
    })[0]!;
    const h = 1e-4;
    z.forEach((_, k) => {
      const up = z.slice();
      const down = z.slice();
      up[k]! += h;
      down[k]! -= h;
      expect(g[k]!).toBeCloseTo((diff(up) - diff(down)) / (2 * h), 3);
    });
    // the other actions' logits enter with their softmax weights (a plain softmax would give 0)
    expect(g[0]!).toBeGreaterThan(0.05);
    expect(g[2]!).toBeGreaterThan(0.05);
  });

  it('wraps a network: same variables, outputs are the head of its outputs, no leaked tensors', () => {
    const mlp = new Mlp({ inputDim: 3, hidden: [5], outputDim: 4, activation: 'relu' }, new Rng(7), 'sigmoid-exit-test');
    const policy = new SigmoidExitPolicy(mlp);
    expect(policy.variables).toEqual(mlp.variables);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 1],
    ]);
    const got = tf.tidy(() => policy.predict(x).arraySync()) as number[][];
    const raw = tf.tidy(() => mlp.predict(x).arraySync()) as number[][];
    x.dispose();
    got.forEach((row, r) => row.forEach((v, k) => expect(v).toBeCloseTo(byHand(raw[r]!)[k]!, 5)));
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });
});
