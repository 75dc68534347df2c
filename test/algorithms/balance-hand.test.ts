/**
 * DB and SubTB losses against a direct float64 computation from the networks' outputs: every
 * sub-trajectory residual summed explicitly, independent of the potential-matrix formulation.
 * Also the limits: SubTB with λ = 1 (uniform over sub-trajectories), λ → 0 (single steps, each
 * trajectory's steps weighted 1/n_i) and full-trajectory weighting (= TB with log Z := log F(s0)).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DetailedBalance } from '../../algorithms/value-based/db.js';
import { SubTrajectoryBalance, type SubTbOptions } from '../../algorithms/value-based/subtb.js';
import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Rng } from '../../core/base/rng.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

// R0 = 1e-7: log R ≈ −16.1 off the corners, below the −12 clip (DB does not clip; SubTB does)
const env = new HyperGrid({ ndim: 2, height: 4, R0: 1e-7, R1: 0.5, R2: 2, rewardCos: false });
const rng = new Rng(11);
const net = (out: number, name: string): Mlp => new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: out, activation: 'tanh' }, rng, name);
const pf = net(3, 'pf');
const pbNet = net(2, 'pb');
const flow = net(1, 'flow');
afterAll(() => [pf, pbNet, flow].forEach((m) => m.dispose()));

/** Trajectories as state sequences ending with exit: [[0,0],[1,0],[1,1]] → actions 0, 1, exit. */
const paths: number[][][] = [
  [[0, 0]],
  [
    [0, 0],
    [1, 0],
    [1, 1],
  ],
  [
    [0, 0],
    [0, 1],
    [0, 2],
    [1, 2],
    [2, 2],
    [3, 2],
    [3, 3],
  ],
];

function batchOf(ps: number[][][]): Trajectories {
  const n = ps.length;
  const T = Math.max(...ps.map((p) => p.length));
  const states = new Int32Array((T + 1) * n * 2).fill(-1);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  ps.forEach((p, i) => {
    lengths[i] = p.length;
    p.forEach((s, t) => {
      states.set(s, (t * n + i) * 2);
      actions[t * n + i] = t + 1 < p.length ? (p[t + 1]![0]! > s[0]! ? 0 : 1) : 2;
    });
  });
  const terminals = Int32Array.from(ps.flatMap((p) => p[p.length - 1]!));
  return new Trajectories('forward', n, T, 2, states, actions, lengths, env.logReward(terminals));
}
const batch = batchOf(paths);

const outputs = (m: Mlp, s: number[]): number[] =>
  tf.tidy(() => Array.from(m.predict(tf.tensor2d(env.encode(Int32Array.from(s)), [1, env.obsDim])).dataSync()));
function logSoftmaxAt(logits: number[], mask: Uint8Array, a: number): number {
  const allowed = logits.filter((_, k) => mask[k]);
  const max = Math.max(...allowed);
  return logits[a]! - (max + Math.log(allowed.reduce((acc, v) => acc + Math.exp(v - max), 0)));
}
const logPF = (s: number[], a: number): number => logSoftmaxAt(outputs(pf, s), env.forwardMask(Int32Array.from(s)), a);
const logPBLearned = (sNext: number[], b: number): number => logSoftmaxAt(outputs(pbNet, sNext), env.backwardMask(Int32Array.from(sNext)), b);
const logPBUniform = (sNext: number[]): number => -Math.log(env.backwardMask(Int32Array.from(sNext)).reduce((a, v) => a + v, 0));
const logF = (s: number[]): number => outputs(flow, s)[0]!;
const logR = (s: number[]): number => env.logReward(Int32Array.from(s))[0]!;

/** Residual of steps r..e of a path (step k goes from path[k] to path[k+1], the last is exit). */
function residual(p: number[][], r: number, e: number, learned: boolean, clip: boolean): number {
  let v = logF(p[r]!);
  for (let k = r; k <= e; k++) {
    const action = k + 1 < p.length ? (p[k + 1]![0]! > p[k]![0]! ? 0 : 1) : 2;
    v += logPF(p[k]!, action);
    if (k + 1 < p.length) v -= learned ? logPBLearned(p[k + 1]!, action) : logPBUniform(p[k + 1]!);
  }
  const x = p[p.length - 1]!;
  return v - (e + 1 < p.length ? logF(p[e + 1]!) : clip ? Math.max(logR(x), -12) : logR(x));
}

/** Σ_i Σ_{r ≤ e} weight(n_i, length) · residual². */
function handLoss(weight: (n: number, length: number) => number, learned: boolean, clip: boolean): number {
  let loss = 0;
  for (const p of paths)
    for (let r = 0; r < p.length; r++) for (let e = r; e < p.length; e++) loss += weight(p.length, e - r + 1) * residual(p, r, e, learned, clip) ** 2;
  return loss;
}

const N = paths.length;
const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};
const backwardOf = (learned: boolean): BackwardPolicy => (learned ? new LearnedBackwardPolicy(env, pbNet) : new UniformBackwardPolicy(env));
const subtb = (learned: boolean, o: Partial<SubTbOptions>): SubTrajectoryBalance =>
  new SubTrajectoryBalance(env, pf, backwardOf(learned), flow, { lr: 1e-3, lambda: 0.99, weighting: 'geometric', logRewardClip: -12, ...o });

describe.each([false, true])('balance losses by hand (learned P_B: %s)', (learned) => {
  it('DB: Σ of single-step residuals² / N, log R unclipped', () => {
    const db = new DetailedBalance(env, pf, backwardOf(learned), flow, { lr: 1e-3, clipLogReward: false, logRewardClip: -12 });
    const expected = handLoss((_n, len) => (len === 1 ? 1 / N : 0), learned, false);
    expect(value(db.loss(batch))).toBeCloseTo(expected, 4);
    expect(Math.abs(value(db.loss(batch)) - expected) / expected).toBeLessThan(1e-5);
  });

  it('SubTB(λ = 0.9): geometric weights within each trajectory', () => {
    const lambda = 0.9;
    const norm = (n: number): number => Array.from({ length: n }, (_, k) => (n - k) * lambda ** k).reduce((a, b) => a + b, 0);
    const expected = handLoss((n, len) => lambda ** (len - 1) / norm(n) / N, learned, true);
    expect(Math.abs(value(subtb(learned, { lambda }).loss(batch)) - expected) / expected).toBeLessThan(1e-5);
  });

  it('SubTB(λ = 1): every sub-trajectory weighted equally within its trajectory', () => {
    const expected = handLoss((n, _len) => 1 / ((n * (n + 1)) / 2) / N, learned, true);
    expect(Math.abs(value(subtb(learned, { lambda: 1 }).loss(batch)) - expected) / expected).toBeLessThan(1e-5);
  });

  it('SubTB(λ → 0): single steps, each trajectory weighted 1/n_i', () => {
    const expected = handLoss((n, len) => (len === 1 ? 1 / n / N : 0), learned, true);
    expect(Math.abs(value(subtb(learned, { lambda: 1e-9 }).loss(batch)) - expected) / expected).toBeLessThan(1e-5);
  });
});

describe('SubTB reductions', () => {
  it('full-trajectory weighting equals TB with log Z := log F(s0)', () => {
    const tb = new TrajectoryBalance(env, pf, new UniformBackwardPolicy(env), { lr: 1e-3, lrZ: 0.1, logZInit: logF([0, 0]), logRewardClip: -12 });
    const expected = value(tb.loss(batch));
    expect(Math.abs(value(subtb(false, { weighting: 'tb' }).loss(batch)) - expected) / expected).toBeLessThan(1e-5);
    tb.dispose();
  });

  it('single-step weighting equals DB with clipped log R', () => {
    const db = new DetailedBalance(env, pf, new UniformBackwardPolicy(env), flow, { lr: 1e-3, clipLogReward: true, logRewardClip: -12 });
    const expected = value(db.loss(batch));
    expect(Math.abs(value(subtb(false, { weighting: 'db' }).loss(batch)) - expected) / expected).toBeLessThan(1e-5);
  });

  it('the gradient of SubTB matches central finite differences in log F', () => {
    // perturb the flow network's output bias: every log F(s) shifts by ε, which cancels in all
    // residuals except those ending at the exit (target log R) — a check of the host-side gradient
    const s = subtb(true, { lambda: 0.8 });
    const bias = flow.layers[1]!.bias;
    const { grads, value: v } = tf.variableGrads(() => s.loss(batch), [bias]);
    const analytic = grads[bias.name]!.dataSync()[0]!;
    tf.dispose([v, ...Object.values(grads)]);
    const eps = 1e-2;
    const at = (d: number): number => {
      const orig = bias.dataSync()[0]!;
      bias.assign(tf.tensor1d([orig + d]));
      const l = value(s.loss(batch));
      bias.assign(tf.tensor1d([orig]));
      return l;
    };
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    expect(Math.abs(analytic - numeric) / Math.abs(numeric)).toBeLessThan(1e-3);
  });
});
