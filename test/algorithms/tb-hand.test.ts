import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Rng } from '../../core/base/rng.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

/*
 * TB loss on fixed networks and fixed trajectories, checked against a plain float64 computation.
 *
 * Environment: 2-D HyperGrid, H = 4, R0 = 1e-7 (so log R(x) = log 1e-7 ≈ −16.12 < −12 off the
 * corners), R1 = 0.5, R2 = 2. Actions: 0 = +1 on coordinate 0, 1 = +1 on coordinate 1, 2 = exit.
 */
const env = new HyperGrid({ ndim: 2, height: 4, R0: 1e-7, R1: 0.5, R2: 2, rewardCos: false });
const EXIT = 2;

/** Weights of a 8 → 4 → out ReLU MLP, [in][out] row-major, all exactly representable in float32. */
interface Weights {
  w0: number[];
  b0: number[];
  w1: number[];
  b1: number[];
  out: number;
}

const FORWARD: Weights = {
  // prettier-ignore
  w0: [
    0.5, -0.25, 0.125, 0.75, -0.5, 0.375, 0.25, -0.125, 0.25, 0.5, -0.375, 0.0, -0.125, -0.5, 0.625, 0.25, 0.375, 0.125, -0.25, -0.5, 0.0, -0.375, 0.5, 0.125,
    -0.25, 0.25, 0.125, 0.375, 0.625, -0.125, -0.5, 0.25,
  ],
  b0: [0.125, -0.25, 0.0625, -0.125],
  // prettier-ignore
  w1: [0.5, -0.75, 0.25, -0.375, 0.5, 0.625, 0.75, 0.25, -0.5, -0.25, -0.625, 0.375],
  b1: [0.25, -0.125, 0.5],
  out: 3,
};

const BACKWARD: Weights = {
  // prettier-ignore
  w0: [
    -0.375, 0.5, 0.25, -0.625, 0.75, -0.125, 0.0, 0.5, 0.125, 0.25, -0.5, 0.375, -0.5, 0.625, 0.125, -0.25, 0.25, -0.375, 0.75, 0.125, 0.5, 0.0, -0.25, -0.375,
    -0.125, -0.5, 0.375, 0.625, 0.375, 0.125, 0.5, -0.75,
  ],
  b0: [-0.0625, 0.125, 0.25, 0.0],
  // prettier-ignore
  w1: [0.875, -0.5, -0.25, 0.75, 0.5, 0.125, -0.625, 0.375],
  b1: [0.125, -0.375],
  out: 2,
};

function makeMlp(w: Weights, name: string): Mlp {
  const mlp = new Mlp({ inputDim: 8, hidden: [4], outputDim: w.out, activation: 'relu' }, new Rng(1), name);
  mlp.layers[0]!.assign(w.w0, w.b0);
  mlp.layers[1]!.assign(w.w1, w.b1);
  return mlp;
}

/** The MLP in float64 on the K-hot encoding of `state`. */
function handLogits(w: Weights, state: number[]): number[] {
  const x = new Array<number>(8).fill(0);
  x[state[0]!] = 1;
  x[4 + state[1]!] = 1;
  const h = [0, 1, 2, 3].map((j) => {
    let z = w.b0[j]!;
    for (let i = 0; i < 8; i++) z += x[i]! * w.w0[i * 4 + j]!;
    return Math.max(z, 0);
  });
  return Array.from({ length: w.out }, (_, k) => {
    let z = w.b1[k]!;
    for (let j = 0; j < 4; j++) z += h[j]! * w.w1[j * w.out + k]!;
    return z;
  });
}

/** log of the softmax over the allowed entries, at `a`. */
function handMaskedLogSoftmax(logits: number[], allowed: boolean[], a: number): number {
  if (!allowed[a]) throw new Error('taken action not allowed');
  let max = -Infinity;
  logits.forEach((l, k) => {
    if (allowed[k]) max = Math.max(max, l);
  });
  let z = 0;
  logits.forEach((l, k) => {
    if (allowed[k]) z += Math.exp(l - max);
  });
  return logits[a]! - max - Math.log(z);
}

const H = 4;
const forwardAllowed = (s: number[]): boolean[] => [s[0]! < H - 1, s[1]! < H - 1, true];
const backwardAllowed = (s: number[]): boolean[] => [s[0]! > 0, s[1]! > 0];

/** Hand-written trajectories as action lists from s0 (each ends with exit). */
const ACTION_LISTS: number[][] = [
  [EXIT], // exit at s0 = (0,0): R = 0.5 + 1e-7
  [0, 1, EXIT], // (0,0) → (1,0) → (1,1): R = R0 = 1e-7, log R below the clip
  [0, 1, 1, 0, 1, 0, EXIT], // … → (1,2) → (2,2) → (2,3) → (3,3): corner, full length, borders masked
];

function walk(actions: number[]): number[][] {
  const states = [[0, 0]];
  for (const a of actions) {
    if (a === EXIT) break;
    const s = states[states.length - 1]!.slice();
    s[a]! += 1;
    states.push(s);
  }
  return states;
}

/** Builds the padded, time-major forward batch directly. */
function buildBatch(lists: number[][]): Trajectories {
  const n = lists.length;
  const T = env.maxTrajectoryLength;
  const d = 2;
  const states = new Int32Array((T + 1) * n * d).fill(-1);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  const terminals = new Int32Array(n * d);
  lists.forEach((acts, i) => {
    const path = walk(acts);
    path.forEach((s, t) => states.set(s, (t * n + i) * d));
    acts.forEach((a, t) => (actions[t * n + i] = a));
    lengths[i] = acts.length;
    terminals.set(path[path.length - 1]!, i * d);
  });
  return new Trajectories('forward', n, T, d, states, actions, lengths, env.logReward(terminals));
}

/** Plain-JS TB residuals; `logPB(sNext, a)` is log P_B(s | s') of backward action a at s'. */
function handResiduals(lists: number[][], logZ: number, clip: number, logPB: (sNext: number[], a: number) => number): number[] {
  return lists.map((acts) => {
    const path = walk(acts);
    let sumF = 0;
    let sumB = 0;
    acts.forEach((a, t) => {
      const s = path[t]!;
      sumF += handMaskedLogSoftmax(handLogits(FORWARD, s), forwardAllowed(s), a);
      if (a !== EXIT) sumB += logPB(path[t + 1]!, a);
    });
    const x = path[path.length - 1]!;
    const R = env.reward(x);
    return logZ + sumF - Math.max(Math.log(R), clip) - sumB;
  });
}

const uniformLogPB = (sNext: number[]): number => -Math.log(backwardAllowed(sNext).filter(Boolean).length);
const learnedLogPB = (sNext: number[], a: number): number => handMaskedLogSoftmax(handLogits(BACKWARD, sNext), backwardAllowed(sNext), a);

const meanSquare = (r: number[]): number => r.reduce((acc, v) => acc + v * v, 0) / r.length;

function expectRelClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('TrajectoryBalance.loss against a hand computation', () => {
  // networks are built once the test setup has selected the tensor backend
  let forward: Mlp;
  let backward: Mlp;
  const batch = buildBatch(ACTION_LISTS);
  const LOGZ = 0.375;
  beforeAll(() => {
    forward = makeMlp(FORWARD, 'tb-hand/forward');
    backward = makeMlp(BACKWARD, 'tb-hand/backward');
  });
  afterAll(() => {
    forward.dispose();
    backward.dispose();
  });

  it('the fixtures are what they claim', () => {
    expect(Array.from(batch.lengths)).toEqual([1, 3, 7]);
    expect(Array.from(batch.terminalStates())).toEqual([0, 0, 1, 1, 3, 3]);
    expect(batch.logRewards[1]).toBeLessThan(-12);
    expect(batch.logRewards[0]).toBeGreaterThan(-1);
    // the tiny network's logits match the hand MLP (float32 vs float64)
    const got = tf.tidy(() => forward.predict(tf.tensor2d(env.encode(Int32Array.from([1, 2])), [1, 8])).dataSync());
    handLogits(FORWARD, [1, 2]).forEach((v, k) => expect(got[k]).toBeCloseTo(v, 6));
  });

  function check(policy: BackwardPolicy, logPB: (sNext: number[], a: number) => number, clip: number): void {
    const tb = new TrajectoryBalance(env, forward, policy, { lr: 1e-3, lrZ: 0.1, logZInit: LOGZ, logRewardClip: clip });
    try {
      const before = tf.memory().numTensors;
      const hand = handResiduals(ACTION_LISTS, LOGZ, clip, logPB);
      const scores = tb.scores(batch);
      const got = Array.from(scores.dataSync());
      scores.dispose();
      hand.forEach((r, i) => expect(Math.abs(got[i]! - r)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(r))));
      const loss = tb.loss(batch);
      expectRelClose(loss.dataSync()[0]!, meanSquare(hand), 1e-5);
      loss.dispose();
      // ∂loss/∂log Z = 2 · mean residual
      const { value, grads } = tf.variableGrads(() => tb.loss(batch), [tb.logZVar]);
      const g = grads[tb.logZVar.name]!.dataSync()[0]!;
      expectRelClose(g, (2 * hand.reduce((a, b) => a + b, 0)) / hand.length, 1e-5);
      value.dispose();
      tf.dispose(Object.values(grads));
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tb.dispose();
    }
  }

  it('TB-U (uniform P_B), log R clipped at −12', () => {
    check(new UniformBackwardPolicy(env), uniformLogPB, -12);
  });

  it('TB-U without an effective clip differs, and still matches the hand value', () => {
    const clipped = meanSquare(handResiduals(ACTION_LISTS, LOGZ, -12, uniformLogPB));
    const unclipped = meanSquare(handResiduals(ACTION_LISTS, LOGZ, -100, uniformLogPB));
    expect(Math.abs(clipped - unclipped)).toBeGreaterThan(1);
    check(new UniformBackwardPolicy(env), uniformLogPB, -100);
  });

  it('TB-B (learned P_B)', () => {
    const learned = meanSquare(handResiduals(ACTION_LISTS, LOGZ, -12, learnedLogPB));
    const uniform = meanSquare(handResiduals(ACTION_LISTS, LOGZ, -12, uniformLogPB));
    expect(Math.abs(learned - uniform)).toBeGreaterThan(1e-2);
    check(new LearnedBackwardPolicy(env, backward), learnedLogPB, -12);
  });

  it('a batch holding only the exit-at-s0 trajectory has no P_B term', () => {
    const only = buildBatch([[EXIT]]);
    const tb = new TrajectoryBalance(env, forward, new UniformBackwardPolicy(env), { lr: 1e-3, lrZ: 0.1, logZInit: LOGZ, logRewardClip: -12 });
    try {
      const logPF = handMaskedLogSoftmax(handLogits(FORWARD, [0, 0]), [true, true, true], EXIT);
      const r = LOGZ + logPF - Math.log(0.5 + 1e-7);
      const loss = tb.loss(only);
      expectRelClose(loss.dataSync()[0]!, r * r, 1e-5);
      loss.dispose();
    } finally {
      tb.dispose();
    }
  });
});
