import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../../core/env/environment.js';
import { takenLogProbs } from '../../core/policy/categorical.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { SequenceReplayGuide } from '../../envs/sequence/guide.js';
import { ReplayPatternIndex } from '../../envs/sequence/replay-index.js';

/** A minimal "insert anywhere" environment (ndim 3, nbase 2; action = symbol·ndim + position) for the guide. */
const ndim = 3;
const nbase = 2;
const env: Environment = {
  name: 'seq-stub',
  stateDim: ndim,
  nActions: ndim * nbase + 1,
  obsDim: ndim * nbase,
  s0: Int32Array.from([-1, -1, -1]),
  maxTrajectoryLength: ndim + 1,
  step: () => {
    throw new Error('unused');
  },
  backwardStep: () => {
    throw new Error('unused');
  },
  forwardMask: (states) => {
    const n = states.length / ndim;
    const m = new Uint8Array(n * (ndim * nbase + 1));
    for (let r = 0; r < n; r++) {
      let full = true;
      for (let a = 0; a < ndim * nbase; a++) m[r * 7 + a] = states[r * ndim + (a % ndim)] === -1 ? 1 : 0;
      for (let i = 0; i < ndim; i++) if (states[r * ndim + i] === -1) full = false;
      m[r * 7 + 6] = full ? 1 : 0;
    }
    return m;
  },
  backwardMask: () => new Uint8Array(0),
  logReward: () => new Float64Array(0),
  encode: (states) => {
    const n = states.length / ndim;
    const o = new Float32Array(n * ndim * nbase);
    for (let r = 0; r < n; r++) for (let i = 0; i < ndim; i++) if (states[r * ndim + i]! >= 0) o[r * 6 + i * nbase + states[r * ndim + i]!] = 1;
    return o;
  },
  isInitial: (states) =>
    Uint8Array.from({ length: states.length / ndim }, (_, r) => (states.subarray(r * ndim, r * ndim + ndim).every((v) => v === -1) ? 1 : 0)),
};

describe('ReplayPatternIndex', () => {
  const replay = (capacity: number): ReplayPatternIndex => {
    const idx = new ReplayPatternIndex(ndim, nbase, capacity);
    idx.add(Int32Array.from([0, 1, 1, 0, 0, 1, 1, 1, 1]), [2, 4, 8]);
    return idx;
  };

  it('mean reward of matching sequences, by hand', () => {
    const idx = replay(10);
    expect(idx.meanReward([-1, -1, -1])).toBeCloseTo((2 + 4 + 8) / 3, 12);
    expect(idx.meanReward([0, -1, -1])).toBeCloseTo(3, 12); // 011 and 001
    expect(idx.meanReward([-1, -1, 1])).toBeCloseTo(14 / 3, 12);
    expect(idx.meanReward([0, 1, -1])).toBe(2);
    expect(idx.meanReward([1, 0, -1])).toBe(0); // no match
  });

  it('evicts the oldest past capacity, and agrees with a scan', () => {
    const idx = replay(2); // 011 (R 2) is evicted
    expect(idx.length).toBe(2);
    expect(idx.meanReward([0, -1, -1])).toBe(4);
    expect(idx.meanReward([-1, -1, -1])).toBe(6);
    const rng = new Rng(3);
    const big = new ReplayPatternIndex(ndim, nbase, 5);
    const seqs: number[][] = [];
    const rewards: number[] = [];
    for (let k = 0; k < 12; k++) {
      const s = [rng.int(2), rng.int(2), rng.int(2)];
      const r = rng.uniform();
      big.add(Int32Array.from(s), [r]);
      seqs.push(s);
      rewards.push(r);
    }
    const kept = seqs.slice(-5);
    const keptR = rewards.slice(-5);
    for (const p of [
      [-1, -1, -1],
      [1, -1, -1],
      [-1, 0, 1],
      [1, 1, 1],
    ]) {
      const m = kept.map((s, k) => (p.every((v, i) => v === -1 || v === s[i]) ? keptR[k]! : NaN)).filter((v) => !Number.isNaN(v));
      expect(big.meanReward(p)).toBeCloseTo(m.length ? m.reduce((a, b) => a + b) / m.length : 0, 12);
    }
  });

  it('rejects partial sequences', () => {
    expect(() => new ReplayPatternIndex(3, 2, 4).add(Int32Array.from([0, -1, 1]), [1])).toThrow(/not full/);
  });
});

describe('SequenceReplayGuide', () => {
  const forward = new Mlp({ inputDim: 6, hidden: [4], outputDim: 7, activation: 'relu' }, new Rng(5), 'pf');

  it('P_G ∝ mean reward of the replay matching s + (i ← x_i), by hand', () => {
    const guide = new SequenceReplayGuide(env, ndim, nbase, forward, 100);
    guide.observe(Int32Array.from([0, 1, 1, 0, 0, 1, 1, 1, 1]), Float64Array.from([2, 4, 8], Math.log));
    // x = 011, s = (−1, −1, −1): candidates fill 0←0 (mean of 011, 001: 3), 1←1 (011, 111: 5), 2←1 (all: 14/3)
    const x = Int32Array.from([0, 1, 1, 0, 1, 1, 0, 1, 1]);
    const states = Int32Array.from([-1, -1, -1, -1, -1, -1, -1, -1, -1]);
    const actions = Int32Array.from([0 * ndim + 0, 1 * ndim + 1, 1 * ndim + 2]);
    const lp = guide.logProbs(states, actions, x);
    const z = 3 + 5 + 14 / 3;
    expect(lp[0]).toBeCloseTo(Math.log(3 / z), 5);
    expect(lp[1]).toBeCloseTo(Math.log(5 / z), 5);
    expect(lp[2]).toBeCloseTo(Math.log(14 / 3 / z), 5);
    // s = (0, −1, −1) towards x = 011: fill 1←1 → 011 only (2), fill 2←1 → 011, 001 (3)
    const lp2 = guide.logProbs(Int32Array.from([0, -1, -1]), Int32Array.from([1 * ndim + 2]), Int32Array.from([0, 1, 1]));
    expect(lp2[0]).toBeCloseTo(Math.log(3 / 5), 5);
  });

  it('falls back to P_F when every candidate scores 0, and rejects non-candidate actions', () => {
    const guide = new SequenceReplayGuide(env, ndim, nbase, forward, 100);
    guide.observe(Int32Array.from([1, 1, 1]), Float64Array.from([0]));
    const s = Int32Array.from([-1, 0, -1]);
    const a = Int32Array.from([0 * ndim + 0]); // fill position 0 with 0, towards x = 000
    const expected = tf.tidy(() => takenLogProbs(forward.predict(tf.tensor2d(env.encode(s), [1, 6])), env.forwardMask(s), a).dataSync()[0]!);
    expect(guide.logProbs(s, a, Int32Array.from([0, 0, 0]))[0]).toBeCloseTo(expected, 6);
    expect(() => guide.logProbs(s, Int32Array.from([1 * ndim + 0]), Int32Array.from([0, 0, 0]))).toThrow(/not a candidate/);
  });
});
