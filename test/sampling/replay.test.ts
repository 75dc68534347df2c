import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { concatTrajectories, reverseBackward, selectTrajectories } from '../../core/sampling/batch-ops.js';
import { drawIndices } from '../../core/sampling/replay.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { TerminalBuffer } from '../../core/sampling/terminal-buffer.js';
import { TrajectoryBuffer } from '../../core/sampling/trajectory-buffer.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

const env = new HyperGrid({ ndim: 2, height: 5, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
const D = env.stateDim;
const EXIT = env.nActions - 1;
const T = env.maxTrajectoryLength;

/**
 * A forward batch built by hand: trajectory i takes the coordinate moves `paths[i]` from s0, then
 * exits; its log R is `logRewards[i]` (deliberately not the environment's, so tests can tell
 * stored values from recomputed ones). Padded to `maxSteps`.
 */
function forwardBatch(paths: number[][], logRewards: number[], maxSteps = T): Trajectories {
  const n = paths.length;
  const states = new Int32Array((maxSteps + 1) * n * D).fill(-1);
  const actions = new Int32Array(maxSteps * n).fill(-1);
  const lengths = new Int32Array(n);
  paths.forEach((path, i) => {
    let s: Int32Array = env.s0.slice();
    path.forEach((a, t) => {
      states.set(s, (t * n + i) * D);
      actions[t * n + i] = a;
      s = env.step(s, Int32Array.from([a]));
    });
    states.set(s, (path.length * n + i) * D);
    actions[path.length * n + i] = EXIT;
    lengths[i] = path.length + 1;
  });
  return new Trajectories('forward', n, maxSteps, D, states, actions, lengths, Float64Array.from(logRewards));
}

/** Trajectory i of a batch as plain arrays, padding included, for equality checks. */
function row(batch: Trajectories, i: number): { states: number[][]; actions: number[]; length: number; logReward: number } {
  return {
    states: Array.from({ length: batch.maxSteps + 1 }, (_, t) => Array.from(batch.state(t, i))),
    actions: Array.from({ length: batch.maxSteps }, (_, t) => batch.action(t, i)),
    length: batch.lengths[i]!,
    logReward: batch.logRewards[i]!,
  };
}

/** `count` distinct trajectories: trajectory k goes k mod 5 steps along coordinate 0 and ⌊k/5⌋ mod 5 along 1; log R = k. */
function distinctBatch(count: number, first = 0): Trajectories {
  const paths = Array.from({ length: count }, (_, j) => {
    const k = first + j;
    return [...new Array<number>(k % 5).fill(0), ...new Array<number>(Math.floor(k / 5) % 5).fill(1)].slice(0, T - 1);
  });
  return forwardBatch(
    paths,
    Array.from({ length: count }, (_, j) => first + j),
  );
}

/** Pearson's χ² statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probs: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((acc, c, k) => acc + (c - n * probs[k]!) ** 2 / (n * probs[k]!), 0);
}
/** χ² quantiles at p = 0.001 by degrees of freedom. */
const CHI2_999: Record<number, number> = { 4: 18.47, 5: 20.52, 19: 43.82 };

/** How often each log R value (an integer id) appears among a batch's trajectories. */
function countIds(batch: Trajectories, nIds: number): number[] {
  const counts = new Array<number>(nIds).fill(0);
  for (let i = 0; i < batch.nTraj; i++) counts[batch.logRewards[i]!]! += 1;
  return counts;
}

describe('batch utilities', () => {
  it('selectTrajectories copies the chosen rows in order, repeats allowed', () => {
    const b = forwardBatch([[0], [1, 1], []], [10, 11, 12]);
    const s = selectTrajectories(b, [2, 0, 2]);
    expect(s.nTraj).toBe(3);
    expect(s.maxSteps).toBe(b.maxSteps);
    expect(row(s, 0)).toEqual(row(b, 2));
    expect(row(s, 1)).toEqual(row(b, 0));
    expect(row(s, 2)).toEqual(row(b, 2));
    expect(() => selectTrajectories(b, [3])).toThrow(/out of range/);
  });

  it('concatTrajectories joins forward batches of different maxSteps, padding with −1', () => {
    const a = forwardBatch([[0, 1]], [1], 3);
    const b = forwardBatch([[1, 1, 1, 0], [0]], [2, 3], 5);
    const c = concatTrajectories(a, b);
    expect(c.nTraj).toBe(3);
    expect(c.maxSteps).toBe(5);
    expect(c.direction).toBe('forward');
    expect(Array.from(c.lengths)).toEqual([3, 5, 2]);
    expect(Array.from(c.logRewards)).toEqual([1, 2, 3]);
    // by hand: a's trajectory (0,0) → (1,0) → (1,1) → exit, then padding up to 5 steps
    expect(row(c, 0)).toEqual({
      states: [
        [0, 0],
        [1, 0],
        [1, 1],
        [-1, -1],
        [-1, -1],
        [-1, -1],
      ],
      actions: [0, 1, EXIT, -1, -1],
      length: 3,
      logReward: 1,
    });
    expect(row(c, 1)).toEqual(row(b, 0));
    expect(row(c, 2)).toEqual(row(b, 1));
    // an empty batch on either side only pads
    const empty = forwardBatch([], [], 4);
    const padded = concatTrajectories(empty, a);
    expect(padded.maxSteps).toBe(4);
    expect(row(padded, 0)).toEqual({ ...row(c, 0), states: row(c, 0).states.slice(0, 5), actions: row(c, 0).actions.slice(0, 4) });
  });

  it('concatTrajectories pads backward batches with their final state s0, and refuses mixed directions', () => {
    // backward (2,1) → (1,1) → (1,0) → (0,0) in 3 steps, maxSteps 3; another of 1 step in maxSteps 1
    const long = new Trajectories(
      'backward',
      1,
      3,
      D,
      Int32Array.from([2, 1, 1, 1, 1, 0, 0, 0]),
      Int32Array.from([0, 1, 0]),
      Int32Array.from([3]),
      Float64Array.from([5]),
    );
    const short = new Trajectories('backward', 1, 1, D, Int32Array.from([0, 1, 0, 0]), Int32Array.from([1]), Int32Array.from([1]), Float64Array.from([6]));
    const c = concatTrajectories(short, long);
    expect(c.maxSteps).toBe(3);
    expect(row(c, 0)).toEqual({
      states: [
        [0, 1],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      actions: [1, -1, -1],
      length: 1,
      logReward: 6,
    });
    expect(row(c, 1)).toEqual(row(long, 0));
    expect(() => concatTrajectories(short, forwardBatch([[0]], [0]))).toThrow(/backward and forward/);
  });

  it('reverseBackward turns x → … → s0 into s0 → … → x → exit', () => {
    // two backward trajectories, maxSteps 3: (2,1) → (1,1) → (1,0) → (0,0), and (0,0) (length 0)
    const states = Int32Array.from([
      // t = 0
      2, 1, 0, 0,
      // t = 1
      1, 1, 0, 0,
      // t = 2
      1, 0, 0, 0,
      // t = 3
      0, 0, 0, 0,
    ]);
    const actions = Int32Array.from([0, -1, 1, -1, 0, -1]);
    const back = new Trajectories('backward', 2, 3, D, states, actions, Int32Array.from([3, 0]), Float64Array.from([-1.5, -2.5]));
    const fwd = reverseBackward(back, EXIT);
    expect(fwd.direction).toBe('forward');
    expect(fwd.maxSteps).toBe(4);
    expect(row(fwd, 0)).toEqual({
      states: [
        [0, 0],
        [1, 0],
        [1, 1],
        [2, 1],
        [-1, -1],
      ],
      actions: [0, 1, 0, EXIT],
      length: 4,
      logReward: -1.5,
    });
    expect(row(fwd, 1)).toEqual({
      states: [
        [0, 0],
        [-1, -1],
        [-1, -1],
        [-1, -1],
        [-1, -1],
      ],
      actions: [EXIT, -1, -1, -1],
      length: 1,
      logReward: -2.5,
    });
    // each forward step is the environment's step
    for (let t = 0; t < 3; t++)
      expect(Array.from(env.step(fwd.state(t, 0).slice(), Int32Array.from([fwd.action(t, 0)])))).toEqual(Array.from(fwd.state(t + 1, 0)));
    expect(() => reverseBackward(fwd, EXIT)).toThrow(/backward/);
  });
});

describe('TrajectoryBuffer', () => {
  const uniform = { kind: 'uniform' } as const;

  it('keeps at most capacity trajectories and evicts the oldest first', () => {
    const buffer = new TrajectoryBuffer({ capacity: 5, maxSteps: T, stateDim: D, draw: uniform }, new Rng(1));
    expect(buffer.size).toBe(0);
    const first = distinctBatch(3, 0);
    buffer.add(first);
    expect(buffer.size).toBe(3);
    expect(Array.from(buffer.contents().logRewards)).toEqual([0, 1, 2]);
    const second = distinctBatch(4, 3);
    buffer.add(second);
    expect(buffer.size).toBe(5);
    const kept = buffer.contents();
    // 0 and 1 were evicted; the rest, oldest first
    expect(Array.from(kept.logRewards)).toEqual([2, 3, 4, 5, 6]);
    expect(row(kept, 0)).toEqual(row(first, 2));
    for (let k = 1; k < 5; k++) expect(row(kept, k)).toEqual(row(second, k - 1));
    buffer.add(distinctBatch(1, 7));
    expect(Array.from(buffer.contents().logRewards)).toEqual([3, 4, 5, 6, 7]);
  });

  it('grows its storage up to a large capacity and still evicts in order', () => {
    const buffer = new TrajectoryBuffer({ capacity: 600, maxSteps: T, stateDim: D, draw: uniform }, new Rng(2));
    const all: Trajectories[] = [];
    for (let b = 0; b < 8; b++) {
      const batch = distinctBatch(100, b * 100);
      all.push(batch);
      buffer.add(batch);
      expect(buffer.size).toBe(Math.min(600, (b + 1) * 100));
    }
    const kept = buffer.contents();
    expect(Array.from(kept.logRewards)).toEqual(Array.from({ length: 600 }, (_, k) => 200 + k));
    for (const k of [0, 1, 99, 100, 377, 599]) expect(row(kept, k)).toEqual(row(all[Math.floor((200 + k) / 100)]!, (200 + k) % 100));
  });

  it('stores shorter batches padded and refuses trajectories longer than its slots', () => {
    const buffer = new TrajectoryBuffer({ capacity: 4, maxSteps: T, stateDim: D, draw: uniform }, new Rng(3));
    const short = forwardBatch([[0, 1]], [7], 3);
    buffer.add(short);
    const kept = buffer.contents();
    expect(kept.maxSteps).toBe(T);
    expect(row(kept, 0).states.slice(0, 4)).toEqual(row(short, 0).states);
    expect(row(kept, 0).states.slice(4)).toEqual(new Array(T + 1 - 4).fill([-1, -1]));
    const tooLong = new TrajectoryBuffer({ capacity: 4, maxSteps: 2, stateDim: D, draw: uniform }, new Rng(3));
    expect(() => tooLong.add(short)).toThrow(/exceeds maxSteps/);
  });

  it('uniform draws cover the buffer with equal frequencies', () => {
    const buffer = new TrajectoryBuffer({ capacity: 20, maxSteps: T, stateDim: D, draw: uniform }, new Rng(4));
    const stored = distinctBatch(20);
    buffer.add(stored);
    const n = 8000;
    const drawn = buffer.sample(n);
    expect(drawn.nTraj).toBe(n);
    const counts = countIds(drawn, 20);
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(chiSquare(counts, new Array<number>(20).fill(1 / 20))).toBeLessThan(CHI2_999[19]!);
    // a drawn trajectory is a full copy of the stored one
    for (let i = 0; i < 50; i++) expect(row(drawn, i)).toEqual(row(stored, drawn.logRewards[i]!));
  });

  it('prioritized draws follow R^α = exp(α · log R)', () => {
    // log R = log(k + 1) for k = 0..5, so P(k) ∝ (k + 1)^α
    for (const alpha of [1, 2, 0.5]) {
      const buffer = new TrajectoryBuffer({ capacity: 6, maxSteps: T, stateDim: D, draw: { kind: 'prioritized', exponent: alpha } }, new Rng(5));
      const paths = Array.from({ length: 6 }, (_, k) => new Array<number>(k).fill(0).slice(0, 4));
      buffer.add(
        forwardBatch(
          paths,
          [0, 1, 2, 3, 4, 5].map((k) => Math.log(k + 1)),
        ),
      );
      const drawn = buffer.sample(12_000);
      const counts = new Array<number>(6).fill(0);
      for (let i = 0; i < drawn.nTraj; i++) counts[Math.round(Math.exp(drawn.logRewards[i]!)) - 1]! += 1;
      const w = [1, 2, 3, 4, 5, 6].map((r) => r ** alpha);
      const z = w.reduce((a, b) => a + b, 0);
      const probs = w.map((v) => v / z);
      expect(chiSquare(counts, probs)).toBeLessThan(CHI2_999[5]!);
      // and they are clearly not uniform (the test can fail for a sampler that ignores priorities)
      expect(chiSquare(counts, new Array<number>(6).fill(1 / 6))).toBeGreaterThan(CHI2_999[5]!);
    }
  });

  it('the same Rng seed gives the same draws', () => {
    const draw = (seed: number) => {
      const b = new TrajectoryBuffer({ capacity: 20, maxSteps: T, stateDim: D, draw: { kind: 'prioritized', exponent: 1 } }, new Rng(seed));
      b.add(distinctBatch(20));
      return Array.from(b.sample(64).logRewards);
    };
    expect(draw(9)).toEqual(draw(9));
    expect(draw(9)).not.toEqual(draw(10));
  });
});

describe('drawIndices', () => {
  it('never draws an item with R = 0 under priorities, and falls back to uniform if all have R = 0', () => {
    const logR = Float64Array.from([-Infinity, 0, -Infinity, Math.log(3)]);
    const idx = drawIndices({ kind: 'prioritized', exponent: 1 }, logR, 4, 4000, new Rng(6));
    const counts = [0, 0, 0, 0];
    for (const i of idx) counts[i]! += 1;
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(chiSquare([counts[1]!, counts[3]!], [0.25, 0.75])).toBeLessThan(10.83);
    const all = drawIndices({ kind: 'prioritized', exponent: 1 }, Float64Array.from([-Infinity, -Infinity]), 2, 1000, new Rng(7));
    expect(new Set(all).size).toBe(2);
    expect(() => drawIndices({ kind: 'uniform' }, new Float64Array(4), 0, 1, new Rng(8))).toThrow(/empty/);
  });

  it('large log-rewards do not overflow', () => {
    const idx = drawIndices({ kind: 'prioritized', exponent: 1 }, Float64Array.from([1000, 1000 + Math.log(4)]), 2, 5000, new Rng(9));
    let ones = 0;
    for (const i of idx) ones += i;
    expect(chiSquare([5000 - ones, ones], [0.2, 0.8])).toBeLessThan(10.83);
  });
});

describe('TerminalBuffer', () => {
  let net: Mlp;
  beforeAll(() => {
    net = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(41), 'replay-test/net');
  });
  afterAll(() => net.dispose());

  it('keeps at most capacity terminal states, oldest evicted first', () => {
    const buffer = new TerminalBuffer(env, new Sampler(env, net, new Rng(1)), { capacity: 4, draw: { kind: 'uniform' } }, new Rng(2));
    buffer.add(distinctBatch(3, 0));
    buffer.add(distinctBatch(3, 3));
    expect(buffer.size).toBe(4);
    const { terminals, logRewards } = buffer.contents();
    expect(Array.from(logRewards)).toEqual([2, 3, 4, 5]);
    // trajectory k ends at (k mod 5, ⌊k/5⌋)
    expect(Array.from(terminals)).toEqual([2, 0, 3, 0, 4, 0, 0, 1]);
  });

  it('replays valid forward trajectories that end at the stored states with the stored log-rewards', () => {
    const sampler = new Sampler(env, net, new Rng(3));
    const buffer = new TerminalBuffer(env, sampler, { capacity: 100, draw: { kind: 'uniform' } }, new Rng(4));
    // 25 distinct terminal states, with made-up log R (k) that the environment would not give
    const stored = distinctBatch(25);
    buffer.add(stored);
    const storedTerminals = stored.terminalStates();
    const before = tf.memory().numTensors;
    const n = 500;
    const replayed = buffer.sample(n);
    expect(tf.memory().numTensors).toBe(before);
    expect(replayed.direction).toBe('forward');
    expect(replayed.nTraj).toBe(n);
    expect(replayed.maxSteps).toBe(T);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const len = replayed.lengths[i]!;
      const k = replayed.logRewards[i]!;
      seen.add(k);
      expect(Number.isInteger(k) && k >= 0 && k < 25).toBe(true);
      expect(Array.from(replayed.state(0, i))).toEqual(Array.from(env.s0));
      for (let t = 0; t < len - 1; t++) {
        const s = replayed.state(t, i).slice();
        const a = replayed.action(t, i);
        expect(env.forwardMask(s)[a]).toBe(1);
        expect(a).not.toBe(EXIT);
        expect(Array.from(replayed.state(t + 1, i))).toEqual(Array.from(env.step(s, Int32Array.from([a]))));
      }
      expect(replayed.action(len - 1, i)).toBe(EXIT);
      // ends at the stored state whose (made-up) log R it carries
      expect(Array.from(replayed.state(len - 1, i))).toEqual(Array.from(storedTerminals.subarray(k * D, k * D + D)));
      for (let t = len; t < T; t++) expect(replayed.action(t, i)).toBe(-1);
      for (let t = len; t <= T; t++) expect(Array.from(replayed.state(t, i))).toEqual([-1, -1]);
    }
    expect(seen.size).toBe(25);
  });

  it('walks back under the uniform P_B: both first moves out of s0 towards (1, 1) are equally likely', () => {
    const buffer = new TerminalBuffer(env, new Sampler(env, net, new Rng(5)), { capacity: 1, draw: { kind: 'uniform' } }, new Rng(6));
    buffer.add(forwardBatch([[0, 1]], [0]));
    const replayed = buffer.sample(2000);
    let first0 = 0;
    for (let i = 0; i < replayed.nTraj; i++) if (replayed.action(0, i) === 0) first0++;
    expect(chiSquare([first0, 2000 - first0], [0.5, 0.5])).toBeLessThan(10.83);
  });

  it('draws from its own Rng: the sampler’s forward stream is unchanged by replaying', () => {
    const a = new Sampler(env, net, new Rng(7));
    const b = new Sampler(env, net, new Rng(7));
    const buffer = new TerminalBuffer(env, a, { capacity: 10, draw: { kind: 'uniform' } }, new Rng(8));
    buffer.add(distinctBatch(10));
    buffer.sample(50);
    expect(Array.from(a.sampleForward(32).actions)).toEqual(Array.from(b.sampleForward(32).actions));
  });
});
