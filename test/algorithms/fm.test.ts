import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowMatching } from '../../algorithms/value-based/fm.js';
import { readRawConfig } from '../../plugins/node/config-file.js';
import { resolveConfig } from '../../core/config/validate.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { totalVariation } from '../../core/evaluation/metrics.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { recordRun, registry, smallConfig } from '../training/run-helpers.js';

/*
 * Flow matching: the loss against a plain float64 computation, its zero at exact flows, training
 * to the target distribution, and tensor leaks.
 *
 * Environment of the hand checks: 2-D HyperGrid, H = 4. Actions: 0 = +1 on coordinate 0,
 * 1 = +1 on coordinate 1, 2 = exit; backward action b undoes forward action b.
 */
const H = 4;
const EXIT = 2;
/** R0 = 1e-7 puts log R off the reward regions (≈ −16.1) below the −12 clip. */
const lowEnv = new HyperGrid({ ndim: 2, height: H, R0: 1e-7, R1: 0.5, R2: 2, rewardCos: false });
const env = new HyperGrid({ ndim: 2, height: H, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });

/** Weights of a 8 → 4 → 3 ReLU MLP, [in][out] row-major, exactly representable in float32. */
// prettier-ignore
const W0 = [
  0.5, -0.25, 0.125, 0.75, -0.5, 0.375, 0.25, -0.125, 0.25, 0.5, -0.375, 0.0, -0.125, -0.5, 0.625, 0.25, 0.375, 0.125, -0.25, -0.5, 0.0, -0.375, 0.5, 0.125,
  -0.25, 0.25, 0.125, 0.375, 0.625, -0.125, -0.5, 0.25,
];
// the 5/128 offsets keep every pre-activation away from the ReLU kink (finite differences below)
const B0 = [0.125 + 5 / 128, -0.25 + 5 / 128, 0.0625 + 5 / 128, -0.125 + 5 / 128];
// prettier-ignore
const W1 = [0.5, -0.75, 0.25, -0.375, 0.5, 0.625, 0.75, 0.25, -0.5, -0.25, -0.625, 0.375];
const B1 = [0.25, -0.125, 0.5];

/** The tiny MLP in float64 on the K-hot encoding of `s`, with its pre-activations. */
function handNetwork(params: number[][], s: number[]): { logits: number[]; pre: number[] } {
  const [w0, b0, w1, b1] = params as [number[], number[], number[], number[]];
  const x = new Array<number>(8).fill(0);
  x[s[0]!] = 1;
  x[H + s[1]!] = 1;
  const pre = [0, 1, 2, 3].map((j) => {
    let z = b0[j]!;
    for (let i = 0; i < 8; i++) z += x[i]! * w0[i * 4 + j]!;
    return z;
  });
  const h = pre.map((z) => Math.max(z, 0));
  const logits = [0, 1, 2].map((k) => {
    let z = b1[k]!;
    for (let j = 0; j < 4; j++) z += h[j]! * w1[j * 3 + k]!;
    return z;
  });
  return { logits, pre };
}

const logSumExp = (v: number[]): number => {
  const max = Math.max(...v);
  return max + Math.log(v.reduce((acc, x) => acc + Math.exp(x - max), 0));
};

/** Hand-written trajectories as action lists from s0 (each ends with exit). */
const ACTION_LISTS: number[][] = [
  [EXIT], // terminal s0: no non-initial state, only the reward term
  [0, 1, 1, 0, 1, 0, EXIT], // (1,0) (1,1) (1,2) (2,2) (2,3) (3,3): the corner, borders masked
  [1, 0, 1, 1, EXIT], // (0,1) (1,1) (1,2) (1,3): revisits (1,1), (1,2); R(1,3) = R0, log R below the clip
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

/** The padded, time-major forward batch of `lists`, built directly. */
function buildBatch(grid: HyperGrid, lists: number[][]): Trajectories {
  const n = lists.length;
  const T = grid.maxTrajectoryLength;
  const states = new Int32Array((T + 1) * n * 2).fill(-1);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  const terminals = new Int32Array(n * 2);
  lists.forEach((acts, i) => {
    const path = walk(acts);
    path.forEach((s, t) => states.set(s, (t * n + i) * 2));
    acts.forEach((a, t) => (actions[t * n + i] = a));
    lengths[i] = acts.length;
    terminals.set(path[path.length - 1]!, i * 2);
  });
  return new Trajectories('forward', n, T, 2, states, actions, lengths, grid.logReward(terminals));
}

/**
 * The FM loss in float64: mean over every occurrence of a non-initial state of
 * (log inflow − log outflow)², plus mean over trajectories of (log F(x → s_f) − max(log R, clip))².
 * With `distinct`, the state term averages over distinct states instead (to show the test tells).
 */
function handLoss(grid: HyperGrid, lists: number[][], params: number[][], clip: number, distinct = false): number {
  const logF = (s: number[]): number[] => handNetwork(params, s).logits;
  const seen = new Set<string>();
  const residuals: number[] = [];
  const terminal: number[] = [];
  for (const acts of lists) {
    const path = walk(acts);
    for (const s of path.slice(1)) {
      if (distinct && seen.has(s.join())) continue;
      seen.add(s.join());
      const inflow: number[] = [];
      for (let b = 0; b < 2; b++) {
        if (s[b]! === 0) continue;
        const parent = s.slice();
        parent[b]! -= 1;
        inflow.push(logF(parent)[b]!);
      }
      const out = logF(s).filter((_, a) => a === EXIT || s[a]! < H - 1);
      residuals.push(logSumExp(inflow) - logSumExp(out));
    }
    const x = path[path.length - 1]!;
    terminal.push(logF(x)[EXIT]! - Math.max(Math.log(grid.reward(x)), clip));
  }
  const meanSquare = (r: number[]): number => (r.length === 0 ? 0 : r.reduce((acc, v) => acc + v * v, 0) / r.length);
  return meanSquare(residuals) + meanSquare(terminal);
}

function expectRelClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

function lossValue(fm: FlowMatching, batch: Trajectories): number {
  const loss = fm.loss(batch);
  const v = loss.dataSync()[0]!;
  loss.dispose();
  return v;
}

describe('FlowMatching.loss against a hand computation', () => {
  const params = [W0, B0, W1, B1];
  const batch = buildBatch(lowEnv, ACTION_LISTS);
  let net: Mlp;
  beforeAll(() => {
    net = new Mlp({ inputDim: 8, hidden: [4], outputDim: 3, activation: 'relu' }, new Rng(1), 'fm-hand');
    net.layers[0]!.assign(W0, B0);
    net.layers[1]!.assign(W1, B1);
  });
  afterAll(() => net.dispose());

  it('the fixtures are what they claim', () => {
    expect(Array.from(batch.lengths)).toEqual([1, 7, 5]);
    expect(Array.from(batch.terminalStates())).toEqual([0, 0, 3, 3, 1, 3]);
    expect(batch.logRewards[2]).toBeLessThan(-12);
    expect(batch.logRewards[1]).toBeGreaterThan(-1);
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < H; j++) {
        const { logits, pre } = handNetwork(params, [i, j]);
        for (const z of pre) expect(Math.abs(z)).toBeGreaterThan(1e-3);
        const got = tf.tidy(() => net.predict(tf.tensor2d(env.encode(Int32Array.from([i, j])), [1, 8])).dataSync());
        logits.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 6));
      }
    }
    // per occurrence and per distinct state differ, so the check below tells them apart
    const perOccurrence = handLoss(lowEnv, ACTION_LISTS, params, -12);
    expect(Math.abs(perOccurrence - handLoss(lowEnv, ACTION_LISTS, params, -12, true))).toBeGreaterThan(1e-3 * perOccurrence);
  });

  it.each([-12, -100])('matches to 1e-5 relative (log R clipped at %d)', (clip) => {
    const fm = new FlowMatching(lowEnv, net, { lr: 1e-3, logRewardClip: clip });
    try {
      const before = tf.memory().numTensors;
      expectRelClose(lossValue(fm, batch), handLoss(lowEnv, ACTION_LISTS, params, clip), 1e-5);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      fm.dispose();
    }
    // the clip is active in this batch
    expect(Math.abs(handLoss(lowEnv, ACTION_LISTS, params, -12) - handLoss(lowEnv, ACTION_LISTS, params, -100))).toBeGreaterThan(1);
  });

  it('a batch that never leaves s0 has only the reward term', () => {
    const fm = new FlowMatching(lowEnv, net, { lr: 1e-3, logRewardClip: -12 });
    try {
      const r = handNetwork(params, [0, 0]).logits[EXIT]! - Math.log(0.5 + 1e-7);
      expectRelClose(lossValue(fm, buildBatch(lowEnv, [[EXIT], [EXIT]])), r * r, 1e-5);
    } finally {
      fm.dispose();
    }
  });

  it('its gradient matches central differences of the float64 loss', () => {
    const fm = new FlowMatching(lowEnv, net, { lr: 1e-3, logRewardClip: -12 });
    try {
      const { value, grads } = tf.variableGrads(() => fm.loss(batch), net.variables);
      value.dispose();
      const got = net.variables.flatMap((v) => Array.from(grads[v.name]!.dataSync()));
      tf.dispose(Object.values(grads));
      const flat = params.flat();
      const eps = 1e-6;
      const fd = flat.map((_, k) => {
        const shifted = (delta: number): number[][] => {
          const p = flat.slice();
          p[k]! += delta;
          return [p.slice(0, 32), p.slice(32, 36), p.slice(36, 48), p.slice(48, 51)];
        };
        return (handLoss(lowEnv, ACTION_LISTS, shifted(eps), -12) - handLoss(lowEnv, ACTION_LISTS, shifted(-eps), -12)) / (2 * eps);
      });
      expect(got).toHaveLength(fd.length);
      const scale = Math.max(1, ...fd.map(Math.abs));
      fd.forEach((g, k) => expect(Math.abs(got[k]! - g)).toBeLessThanOrEqual(1e-4 * scale));
      // the gradient is not trivially zero
      expect(Math.max(...fd.map(Math.abs))).toBeGreaterThan(0.1);
    } finally {
      fm.dispose();
    }
  });
});

/**
 * Exact edge flows of the 2-D H=4 grid for the backward policy `pB(s', b)` (a distribution over
 * the allowed backward actions at s'): F(s) = R(s) + Σ_children F(c)·P_B(s|c), F(s → c) =
 * F(c)·P_B(s|c), F(s → s_f) = R(s). They match at every state by construction.
 */
function exactLogEdgeFlows(pB: (s: number[], b: number) => number): number[][] {
  const states = env.allStates();
  const n = env.nStates;
  const stateF = new Float64Array(n);
  const edges: number[][] = Array.from({ length: n }, () => [0, 0, 0]);
  // allStates lists parents before children: children first in reverse order
  for (let idx = n - 1; idx >= 0; idx--) {
    const s = [states[2 * idx]!, states[2 * idx + 1]!];
    let f = env.reward(s);
    edges[idx]![EXIT] = Math.log(env.reward(s));
    for (let a = 0; a < 2; a++) {
      if (s[a]! >= H - 1) continue;
      const c = s.slice();
      c[a]! += 1;
      const flow = stateF[env.stateIndex(Int32Array.from(c))[0]!]! * pB(c, a);
      f += flow;
      edges[idx]![a] = Math.log(flow);
    }
    stateF[idx] = f;
  }
  return edges;
}

/**
 * A 8 → 16 → 3 ReLU MLP whose hidden layer is the one-hot of the state (h_(i·H+j) =
 * relu(x_i + x_(H+j) − 1)) and whose output layer is the table `logFlows` (16 x 3); masked entries
 * get `maskedValue`, which a correct loss ignores.
 */
function tableNetwork(logFlows: number[][], maskedValue: number, name: string): Mlp {
  const net = new Mlp({ inputDim: 8, hidden: [16], outputDim: 3, activation: 'relu' }, new Rng(2), name);
  const w0 = new Array<number>(8 * 16).fill(0);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < H; j++) {
      w0[i * 16 + (i * H + j)] = 1;
      w0[(H + j) * 16 + (i * H + j)] = 1;
    }
  }
  const w1 = new Array<number>(16 * 3).fill(0);
  const states = env.allStates();
  for (let idx = 0; idx < 16; idx++) {
    const s = [states[2 * idx]!, states[2 * idx + 1]!];
    for (let a = 0; a < 3; a++) w1[idx * 3 + a] = a === EXIT || s[a]! < H - 1 ? logFlows[idx]![a]! : maskedValue;
  }
  net.layers[0]!.assign(w0, new Array<number>(16).fill(-1));
  net.layers[1]!.assign(w1, [0, 0, 0]);
  return net;
}

describe('FlowMatching at exact flows', () => {
  const uniformPB = (s: number[], _b: number): number => 1 / s.filter((v) => v > 0).length;
  // a skewed P_B (3:1 for undoing coordinate 0): other flows, equally consistent
  const skewedPB = (s: number[], b: number): number => (s[0]! > 0 && s[1]! > 0 ? (b === 0 ? 0.75 : 0.25) : 1);

  it.each([
    ['uniform', uniformPB],
    ['skewed', skewedPB],
  ] as const)('the loss is ~0 for consistent flows (%s P_B) and P_F ∝ F samples R/Z', (_label, pB) => {
    const flows = exactLogEdgeFlows(pB);
    const net = tableNetwork(flows, 5, 'fm-exact');
    const fm = new FlowMatching(env, net, { lr: 1e-3, logRewardClip: -12 });
    try {
      // the masked outputs (5) exceed every real log flow: a sum that let one in would not balance
      expect(Math.max(...flows.flat())).toBeLessThan(5);
      const sampled = new Sampler(env, net, new Rng(3)).sampleForward(512);
      const visited = new Set<string>();
      for (let i = 0; i < sampled.nTraj; i++) for (let t = 0; t < sampled.lengths[i]!; t++) visited.add(sampled.state(t, i).join());
      expect(visited.size).toBe(16);
      expect(lossValue(fm, sampled)).toBeLessThan(1e-10);
      expect(lossValue(fm, buildBatch(env, ACTION_LISTS))).toBeLessThan(1e-10);
      // the flows define P_F ∝ F, whose terminating distribution is R/Z
      const pT = new ExactTerminatingDistribution(env).compute(net);
      expect(totalVariation(pT, env.trueDistribution())).toBeLessThan(1e-5);
    } finally {
      fm.dispose();
      net.dispose();
    }
  });

  it('breaking the balance at one state, or one reward, makes the loss positive', () => {
    const batch = buildBatch(env, ACTION_LISTS);
    const cases: Array<(flows: number[][]) => void> = [
      // double the non-exit edges out of (1,1): its outflow and its children's inflows no longer match
      (f) => [0, 1].forEach((a) => (f[1 * H + 1]![a]! += Math.log(2))),
      // the exit flow of (1,3) no longer equals R(1,3)
      (f) => (f[1 * H + 3]![EXIT]! += 0.5),
    ];
    for (const perturb of cases) {
      const flows = exactLogEdgeFlows(uniformPB);
      perturb(flows);
      const net = tableNetwork(flows, 5, 'fm-broken');
      const fm = new FlowMatching(env, net, { lr: 1e-3, logRewardClip: -12 });
      try {
        expect(lossValue(fm, batch)).toBeGreaterThan(1e-2);
      } finally {
        fm.dispose();
        net.dispose();
      }
    }
  });
});

describe('FlowMatching through the plugin and the trainer', () => {
  it('is registered with its defaults and the quick config validates', () => {
    expect(smallConfig({ objective: { name: 'fm' } }).objective).toEqual({ name: 'fm', lr: 1e-3, logRewardClip: -12 });
    expect(() => smallConfig({ objective: { name: 'fm', lrZ: 0.1 } })).toThrow(/lrZ/);
    const quick = resolveConfig(readRawConfig('configs/quick/hypergrid-fm.json'), registry);
    expect(quick.objective).toEqual({ name: 'fm', lr: 1e-3, logRewardClip: -12 });
    expect(quick.env).toMatchObject({ name: 'hypergrid', ndim: 2, height: 4, R0: 0.1 });
  });

  it('reaches exact TV < 0.05 on 2-D H=4 R0=0.1 (seeded)', async () => {
    const config = smallConfig({
      iterations: 1000,
      env: { name: 'hypergrid', ndim: 2, height: 4, R0: 0.1 },
      objective: { name: 'fm' },
      estimator: { name: 'mlp', hidden: [64, 64] },
      evaluation: { every: 10 },
    });
    const run = await recordRun(config, { stopBelowTv: 0.05 });
    const last = run.evaluations.at(-1)!;
    console.log(`FM: TV ${last.metrics.tv!.toFixed(4)} at iteration ${last.iteration}`);
    expect(last.metrics.tv).toBeLessThan(0.05);
    expect(run.iterations.every((e) => Number.isFinite(e.metrics.loss))).toBe(true);
  });

  it('tf.memory().numTensors is the same after iteration 20 and 200', async () => {
    const counts = new Map<number, number>();
    await recordRun(smallConfig({ iterations: 200, objective: { name: 'fm' }, estimator: { name: 'mlp', hidden: [16, 16] }, evaluation: { every: 7 } }), {
      beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => counts.set(e.iteration, tf.memory().numTensors)),
    });
    expect(counts.get(20)).toBeGreaterThan(0);
    expect(counts.get(200)).toBe(counts.get(20));
  });

  it('a finished run frees every tensor it created', async () => {
    const before = tf.memory().numTensors;
    await recordRun(smallConfig({ iterations: 5, objective: { name: 'fm' } }));
    expect(tf.memory().numTensors).toBe(before);
  });
});
