import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

const env = new HyperGrid({ ndim: 2, height: 5, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
const D = env.stateDim;
const EXIT = env.nActions - 1;

/** Pearson's χ² statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probs: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((acc, c, k) => acc + (c - n * probs[k]!) ** 2 / (n * probs[k]!), 0);
}
/** χ² quantiles at p = 0.001 by degrees of freedom. */
const CHI2_999: Record<number, number> = { 1: 10.83, 2: 13.82 };

function firstActionCounts(batch: Trajectories, nActions: number): number[] {
  const counts = new Array<number>(nActions).fill(0);
  for (let i = 0; i < batch.nTraj; i++) counts[batch.action(0, i)]! += 1;
  return counts;
}

function softmax(logits: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(logits));
  const e = Array.from(logits, (l) => Math.exp(l - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

describe('Sampler.sampleForward', () => {
  let net: Mlp;
  /** Constant logits (−5, −5, 5): almost surely exits at once unless ε mixes in the uniform. */
  let exitHappy: Mlp;
  beforeAll(() => {
    net = new Mlp({ inputDim: env.obsDim, hidden: [16], outputDim: env.nActions, activation: 'relu' }, new Rng(21), 'sampler-test/net');
    exitHappy = new Mlp({ inputDim: env.obsDim, hidden: [4], outputDim: env.nActions, activation: 'relu' }, new Rng(22), 'sampler-test/exit');
    exitHappy.layers[1]!.assign(new Array<number>(4 * env.nActions).fill(0), [-5, -5, 5]);
  });
  afterAll(() => {
    net.dispose();
    exitHappy.dispose();
  });

  it('produces valid, padded trajectories whose log rewards match the terminal states', () => {
    const before = tf.memory().numTensors;
    const n = 300;
    const batch = new Sampler(env, net, new Rng(1)).sampleForward(n, { epsilon: 0.3, temperature: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(batch.direction).toBe('forward');
    expect(batch.nTraj).toBe(n);
    let sawLong = false;
    for (let i = 0; i < n; i++) {
      const len = batch.lengths[i]!;
      expect(len).toBeGreaterThanOrEqual(1);
      expect(len).toBeLessThanOrEqual(env.maxTrajectoryLength);
      if (len > 3) sawLong = true;
      expect(Array.from(batch.state(0, i))).toEqual(Array.from(env.s0));
      for (let t = 0; t < len; t++) {
        const s = batch.state(t, i).slice();
        const a = batch.action(t, i);
        expect(env.forwardMask(s)[a]).toBe(1);
        if (t < len - 1) {
          expect(a).not.toBe(EXIT);
          expect(Array.from(batch.state(t + 1, i))).toEqual(Array.from(env.step(s, Int32Array.from([a]))));
        } else {
          expect(a).toBe(EXIT);
        }
      }
      for (let t = len; t < batch.maxSteps; t++) expect(batch.action(t, i)).toBe(-1);
      for (let t = len; t <= batch.maxSteps; t++) expect(Array.from(batch.state(t, i))).toEqual([-1, -1]);
    }
    expect(sawLong).toBe(true);
    expect(Array.from(batch.logRewards)).toEqual(Array.from(env.logReward(batch.terminalStates())));
  });

  it('same seed gives identical trajectories, a different seed different ones', () => {
    const a = new Sampler(env, net, new Rng(42)).sampleForward(64);
    const b = new Sampler(env, net, new Rng(42)).sampleForward(64);
    const c = new Sampler(env, net, new Rng(43)).sampleForward(64);
    expect(Array.from(b.states)).toEqual(Array.from(a.states));
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(Array.from(b.lengths)).toEqual(Array.from(a.lengths));
    expect(Array.from(c.actions)).not.toEqual(Array.from(a.actions));
  });

  it('awaiting the rewards (sampleForwardAsync, sampleForwardRecorded) draws the very trajectories of sampleForward', async () => {
    const exploration = { epsilon: 0.2, temperature: 1.5 };
    const sync = new Sampler(env, net, new Rng(44)).sampleForward(64, exploration);
    const awaited = await new Sampler(env, net, new Rng(44)).sampleForwardAsync(64, exploration);
    const { trajectories: recorded } = await new Sampler(env, net, new Rng(44)).sampleForwardRecorded(64, exploration);
    for (const t of [awaited, recorded]) {
      expect(t.states).toEqual(sync.states);
      expect(t.actions).toEqual(sync.actions);
      expect(t.lengths).toEqual(sync.lengths);
      expect(t.logRewards).toEqual(sync.logRewards);
    }
  });

  it('on-policy action frequencies at s0 follow the network’s softmax', () => {
    const n = 4000;
    const logits = tf.tidy(() => net.predict(tf.tensor2d(env.encode(env.s0), [1, env.obsDim])).dataSync() as Float32Array);
    const p = softmax(logits);
    const batch = new Sampler(env, net, new Rng(7)).sampleForward(n);
    expect(chiSquare(firstActionCounts(batch, env.nActions), p)).toBeLessThan(CHI2_999[2]!);
  });

  it('with ε = 1 the actions at s0 are uniform, with ε = 0 they follow the policy', () => {
    const n = 3000;
    const uniform = new Sampler(env, exitHappy, new Rng(3)).sampleForward(n, { epsilon: 1, temperature: 1 });
    const counts = firstActionCounts(uniform, env.nActions);
    expect(chiSquare(counts, [1 / 3, 1 / 3, 1 / 3])).toBeLessThan(CHI2_999[2]!);
    const greedy = new Sampler(env, exitHappy, new Rng(3)).sampleForward(n, { epsilon: 0, temperature: 1 });
    expect(firstActionCounts(greedy, env.nActions)[EXIT]).toBeGreaterThan(n - 10);
    // ε = 0.5: P(a) = ½ p(a) + ½ · ⅓
    const p = softmax([-5, -5, 5]);
    const mixed = new Sampler(env, exitHappy, new Rng(4)).sampleForward(n, { epsilon: 0.5, temperature: 1 });
    expect(
      chiSquare(
        firstActionCounts(mixed, env.nActions),
        p.map((v) => 0.5 * v + 0.5 / 3),
      ),
    ).toBeLessThan(CHI2_999[2]!);
  });

  it('temperature divides the logits', () => {
    const n = 3000;
    // logits (−5, −5, 5) at temperature 5 are (−1, −1, 1)
    const batch = new Sampler(env, exitHappy, new Rng(5)).sampleForward(n, { epsilon: 0, temperature: 5 });
    expect(chiSquare(firstActionCounts(batch, env.nActions), softmax([-1, -1, 1]))).toBeLessThan(CHI2_999[2]!);
  });
});

describe('Sampler.sampleBackward', () => {
  let net: Mlp;
  beforeAll(() => {
    net = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(31), 'sampler-test/bnet');
  });
  afterAll(() => net.dispose());

  it('walks each terminal state back to s0 with allowed backward actions', () => {
    const rng = new Rng(9);
    const n = 120;
    const terminals = new Int32Array(n * D);
    for (let k = 0; k < terminals.length; k++) terminals[k] = rng.int(env.options.height);
    terminals.set([0, 0], 0); // the first terminal state is s0 itself
    terminals.set([4, 4], D); // the farthest state
    const before = tf.memory().numTensors;
    const batch = new Sampler(env, net, new Rng(10)).sampleBackward(terminals, new UniformBackwardPolicy(env));
    expect(tf.memory().numTensors).toBe(before);
    expect(batch.direction).toBe('backward');
    expect(batch.lengths[0]).toBe(0);
    expect(batch.lengths[1]).toBe(8);
    expect(Array.from(batch.terminalStates())).toEqual(Array.from(terminals));
    for (let i = 0; i < n; i++) {
      const len = batch.lengths[i]!;
      const x = terminals.subarray(i * D, i * D + D);
      expect(len).toBe(x[0]! + x[1]!);
      expect(Array.from(batch.state(0, i))).toEqual(Array.from(x));
      for (let t = 0; t < len; t++) {
        const s = batch.state(t, i).slice();
        const a = batch.action(t, i);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(env.backwardMask(s)[a]).toBe(1);
        expect(Array.from(batch.state(t + 1, i))).toEqual(Array.from(env.backwardStep(s, Int32Array.from([a]))));
      }
      expect(Array.from(batch.state(len, i))).toEqual(Array.from(env.s0));
      for (let t = len; t < batch.maxSteps; t++) {
        expect(batch.action(t, i)).toBe(-1);
        expect(Array.from(batch.state(t + 1, i))).toEqual(Array.from(env.s0));
      }
    }
    expect(Array.from(batch.logRewards)).toEqual(Array.from(env.logReward(terminals)));
  });

  it('a single terminal state equal to s0 gives a trajectory of length 0', () => {
    const batch = new Sampler(env, net, new Rng(11)).sampleBackward(env.s0.slice(), new UniformBackwardPolicy(env));
    expect(Array.from(batch.lengths)).toEqual([0]);
    expect(Array.from(batch.actions).every((a) => a === -1)).toBe(true);
  });

  it('the uniform backward policy picks each allowed parent equally often', () => {
    const n = 2000;
    const terminals = new Int32Array(n * D);
    for (let i = 0; i < n; i++) terminals.set([2, 3], i * D);
    const batch = new Sampler(env, net, new Rng(12)).sampleBackward(terminals, new UniformBackwardPolicy(env));
    expect(chiSquare(firstActionCounts(batch, D), [0.5, 0.5])).toBeLessThan(CHI2_999[1]!);
    // from (3, 0) only coordinate 0 can be decremented
    const edge = new Int32Array(50 * D);
    for (let i = 0; i < 50; i++) edge.set([3, 0], i * D);
    const e = new Sampler(env, net, new Rng(13)).sampleBackward(edge, new UniformBackwardPolicy(env));
    expect(firstActionCounts(e, D)).toEqual([50, 0]);
  });
});

describe('Rng', () => {
  it('getState / setState reproduce the stream', () => {
    const a = new Rng(123);
    for (let k = 0; k < 17; k++) a.uniform();
    const saved = a.getState();
    const first = Array.from({ length: 50 }, () => a.nextUint32());
    a.setState(saved);
    expect(Array.from({ length: 50 }, () => a.nextUint32())).toEqual(first);
    // into another generator too
    const b = new Rng(999);
    b.setState(saved);
    expect(Array.from({ length: 50 }, () => b.nextUint32())).toEqual(first);
    expect(saved.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)).toBe(true);
  });

  it('setState rejects a state of the wrong size', () => {
    expect(() => new Rng(1).setState([1, 2, 3])).toThrow(/4 words/);
  });

  it('same seed gives the same stream, different seeds different streams', () => {
    const draw = (seed: number): number[] => {
      const r = new Rng(seed);
      return Array.from({ length: 20 }, () => r.uniform());
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('uniform() lies in [0, 1) and has mean ½', () => {
    const r = new Rng(77);
    const n = 100_000;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < n; k++) {
      const u = r.uniform();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    const ints = new Array<number>(7).fill(0);
    for (let k = 0; k < 7000; k++) ints[r.int(7)]! += 1;
    expect(ints.every((c) => c > 850 && c < 1150)).toBe(true);
  });
});
