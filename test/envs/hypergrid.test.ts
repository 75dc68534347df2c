import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { HyperGrid, type HyperGridOptions } from '../../envs/hypergrid.js';
import { keepValid, randomAllowed } from '../helpers/random-actions.js';

function grid(ndim: number, height: number, extra: Partial<HyperGridOptions> = {}): HyperGrid {
  return new HyperGrid({ ndim, height, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false, ...extra });
}

/** n random states of `env`, each coordinate uniform in [0, height − 1]. */
function randomStates(env: HyperGrid, n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n * env.stateDim);
  for (let k = 0; k < out.length; k++) out[k] = rng.int(env.options.height);
  return out;
}

const SHAPES: Array<[number, number]> = [
  [2, 2],
  [2, 5],
  [2, 16],
  [3, 3],
  [3, 7],
];

describe('HyperGrid transitions', () => {
  it.each(SHAPES)('backwardStep undoes step for random valid actions (ndim %i, height %i)', (ndim, height) => {
    const env = grid(ndim, height);
    const rng = new Rng(100 + ndim * 31 + height);
    const raw = randomStates(env, 400, rng);
    const acts = randomAllowed(env.forwardMask(raw), ndim, env.nActions, rng);
    const { states, actions } = keepValid(raw, acts, ndim);
    expect(actions.length).toBeGreaterThan(300);
    const next = env.step(states, actions);
    // exactly one coordinate moved, by +1
    for (let r = 0; r < actions.length; r++) {
      for (let c = 0; c < ndim; c++) {
        expect(next[r * ndim + c]! - states[r * ndim + c]!).toBe(c === actions[r] ? 1 : 0);
      }
    }
    expect(Array.from(env.backwardStep(next, actions))).toEqual(Array.from(states));
    // inputs are not mutated
    expect(Array.from(next)).not.toEqual(Array.from(states));
  });

  it.each(SHAPES)('step undoes backwardStep for random valid backward actions (ndim %i, height %i)', (ndim, height) => {
    const env = grid(ndim, height);
    const rng = new Rng(200 + ndim * 31 + height);
    const raw = randomStates(env, 400, rng);
    const acts = randomAllowed(env.backwardMask(raw), ndim, ndim, rng);
    const { states, actions } = keepValid(raw, acts, ndim);
    const prev = env.backwardStep(states, actions);
    for (let r = 0; r < actions.length; r++) {
      for (let c = 0; c < ndim; c++) {
        expect(states[r * ndim + c]! - prev[r * ndim + c]!).toBe(c === actions[r] ? 1 : 0);
      }
    }
    expect(Array.from(env.step(prev, actions))).toEqual(Array.from(states));
  });

  it('step refuses the exit action and moves past the border; backwardStep refuses decrementing 0', () => {
    const env = grid(2, 4);
    expect(() => env.step(Int32Array.from([0, 0]), Int32Array.from([2]))).toThrow();
    expect(() => env.step(Int32Array.from([3, 0]), Int32Array.from([0]))).toThrow();
    expect(() => env.backwardStep(Int32Array.from([0, 2]), Int32Array.from([0]))).toThrow();
    expect(() => env.backwardStep(Int32Array.from([1, 2]), Int32Array.from([2]))).toThrow();
  });
});

describe('HyperGrid masks', () => {
  it('forwardMask forbids moving past the border and always allows exit', () => {
    const env = grid(2, 4);
    // rows: (0,0), (3,0), (1,3), (3,3)
    const mask = env.forwardMask(Int32Array.from([0, 0, 3, 0, 1, 3, 3, 3]));
    expect(Array.from(mask)).toEqual([1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0, 1]);
  });

  it.each(SHAPES)('forwardMask and backwardMask agree with the coordinates on every state (ndim %i, height %i)', (ndim, height) => {
    const env = grid(ndim, height);
    const states = env.allStates();
    const fm = env.forwardMask(states);
    const bm = env.backwardMask(states);
    expect(fm.length).toBe(env.nStates * (ndim + 1));
    expect(bm.length).toBe(env.nStates * ndim);
    for (let s = 0; s < env.nStates; s++) {
      for (let c = 0; c < ndim; c++) {
        const v = states[s * ndim + c]!;
        expect(fm[s * (ndim + 1) + c]).toBe(v === height - 1 ? 0 : 1);
        expect(bm[s * ndim + c]).toBe(v === 0 ? 0 : 1);
      }
      expect(fm[s * (ndim + 1) + ndim]).toBe(1);
    }
  });

  it('backwardMask forbids decrementing a 0 coordinate', () => {
    const env = grid(3, 5);
    // rows: (0,0,0), (0,2,4), (1,0,3)
    const mask = env.backwardMask(Int32Array.from([0, 0, 0, 0, 2, 4, 1, 0, 3]));
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 1]);
  });

  it('isInitial marks exactly the origin', () => {
    const env = grid(2, 3);
    expect(Array.from(env.isInitial(Int32Array.from([0, 0, 0, 1, 1, 0, 2, 2])))).toEqual([1, 0, 0, 0]);
  });
});

describe('HyperGrid reward', () => {
  // H = 8: a(s) = |s/7 − ½| is 0.5, 0.357, 0.214, 0.071, 0.071, 0.214, 0.357, 0.5 for s = 0..7.
  // outer (a > 0.25): s ∈ {0, 1, 6, 7}; ring (0.3 < a < 0.4): s ∈ {1, 6}.
  const env = grid(2, 8, { R0: 0.1 });

  it('matches the formula at known points (2-D, H = 8, R0 = 0.1)', () => {
    const cases: Array<[number[], number]> = [
      [[0, 0], 0.1 + 0.5], // corner: outer, not ring
      [[7, 7], 0.1 + 0.5],
      [[0, 7], 0.1 + 0.5],
      [[1, 1], 0.1 + 0.5 + 2], // ring cell: outer and ring
      [[1, 6], 0.1 + 0.5 + 2],
      [[6, 1], 0.1 + 0.5 + 2],
      [[0, 1], 0.1 + 0.5], // outer, but coordinate 0 is not in the ring
      [[1, 2], 0.1], // coordinate 1 (value 2) is not outer
      [[3, 3], 0.1], // centre
      [[4, 3], 0.1],
    ];
    for (const [s, r] of cases) expect(env.reward(s)).toBeCloseTo(r, 12);
    const flat = Int32Array.from(cases.flatMap(([s]) => s));
    const lr = env.logReward(flat);
    cases.forEach(([, r], k) => expect(lr[k]).toBeCloseTo(Math.log(r), 12));
  });

  it('3-D ring and corner', () => {
    const env3 = grid(3, 8, { R0: 0.1 });
    expect(env3.reward([1, 6, 1])).toBeCloseTo(2.6, 12);
    expect(env3.reward([0, 7, 0])).toBeCloseTo(0.6, 12);
    expect(env3.reward([1, 6, 3])).toBeCloseTo(0.1, 12);
  });

  it('cosine variant at a hand-computed point', () => {
    const cosEnv = grid(2, 8, { R0: 0.1, rewardCos: true });
    // s = (0, 1): a = (0.5, 5/14).
    // factor(a) = (cos(50a) + 1) · φ(5a), φ the standard normal density:
    //   a = 0.5:  (cos 25 + 1) · φ(2.5)        = 1.9912028118634736 · 0.01752830049356854
    //   a = 5/14: (cos(250/14) + 1) · φ(25/14) = 1.5466708805396365 · 0.08099836673270841
    // biome-ignore lint/correctness/noPrecisionLoss: the digits as the comment above derives them
    const f0 = 1.9912028118634736 * 0.01752830049356854;
    const f1 = 1.5466708805396365 * 0.08099836673270841;
    expect(cosEnv.reward([0, 1])).toBeCloseTo(0.1 + 0.5 * f0 * f1, 12);
    expect(cosEnv.reward([0, 1])).toBeCloseTo(0.10218624828560624, 12);
    expect(cosEnv.logReward(Int32Array.from([0, 1]))[0]).toBeCloseTo(Math.log(0.10218624828560624), 12);
  });
});

describe('HyperGrid encoding and enumeration', () => {
  it('encodes states K-hot', () => {
    const env = grid(3, 5);
    expect(env.obsDim).toBe(15);
    const obs = env.encode(Int32Array.from([2, 0, 4, 0, 0, 0]));
    const expected = new Float32Array(30);
    expected[2] = 1;
    expected[5 + 0] = 1;
    expected[10 + 4] = 1;
    expected[15 + 0] = 1;
    expected[15 + 5] = 1;
    expected[15 + 10] = 1;
    expect(Array.from(obs)).toEqual(Array.from(expected));
  });

  it.each(SHAPES)('allStates / stateIndex round trip, parents before children (ndim %i, height %i)', (ndim, height) => {
    const env = grid(ndim, height);
    const states = env.allStates();
    expect(env.nStates).toBe(height ** ndim);
    expect(states.length).toBe(env.nStates * ndim);
    const idx = env.stateIndex(states);
    expect(Array.from(idx)).toEqual(Array.from({ length: env.nStates }, (_, i) => i));
    expect(env.stateIndex(env.s0)[0]).toBe(0);
    // all distinct and in range
    const seen = new Set<string>();
    for (let s = 0; s < env.nStates; s++) {
      const row = Array.from(states.subarray(s * ndim, s * ndim + ndim));
      for (const v of row) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(height);
      }
      seen.add(row.join(','));
    }
    expect(seen.size).toBe(env.nStates);
    // every child comes after its parent
    const fm = env.forwardMask(states);
    for (let a = 0; a < ndim; a++) {
      const rows: number[] = [];
      for (let s = 0; s < env.nStates; s++) if (fm[s * (ndim + 1) + a]) rows.push(s);
      const from = new Int32Array(rows.length * ndim);
      rows.forEach((s, k) => from.set(states.subarray(s * ndim, s * ndim + ndim), k * ndim));
      const to = env.stateIndex(env.step(from, new Int32Array(rows.length).fill(a)));
      rows.forEach((s, k) => expect(to[k]!).toBeGreaterThan(s));
    }
  });

  it('stateIndex of random states round-trips through allStates', () => {
    const env = grid(3, 6);
    const rng = new Rng(5);
    const states = randomStates(env, 50, rng);
    const all = env.allStates();
    const idx = env.stateIndex(states);
    for (let r = 0; r < 50; r++) {
      expect(Array.from(all.subarray(idx[r]! * 3, idx[r]! * 3 + 3))).toEqual(Array.from(states.subarray(r * 3, r * 3 + 3)));
    }
  });

  it.each([
    [2, 256, 9.5503],
    [2, 128, 8.1786],
    [3, 64, 10.0196],
  ])('logPartition for ndim %i, height %i is %f', (ndim, height, logZ) => {
    const env = grid(ndim, height, { R0: 0.01 });
    expect(Math.abs(env.logPartition() - logZ)).toBeLessThan(1e-3);
  });

  it('logPartition equals log Σ R on a small grid', () => {
    const env = grid(2, 8, { R0: 0.1 });
    // per coordinate: outer s ∈ {0,1,6,7} (4 values), ring s ∈ {1,6} (2 values)
    // Σ R = 64·0.1 + 16·0.5 + 4·2 = 22.4
    expect(env.logPartition()).toBeCloseTo(Math.log(22.4), 12);
  });

  it('trueDistribution sums to 1 and is proportional to R', () => {
    const env = grid(3, 7, { R0: 0.05 });
    const p = env.trueDistribution();
    expect(p.length).toBe(env.nStates);
    let s = 0;
    for (const v of p) s += v;
    expect(s).toBeCloseTo(1, 12);
    const states = env.allStates();
    const z = Math.exp(env.logPartition());
    for (const i of [0, 1, 17, 100, env.nStates - 1]) {
      expect(p[i]).toBeCloseTo(env.reward(states.subarray(i * 3, i * 3 + 3)) / z, 12);
    }
  });

  it('constructor rejects height < 2 and ndim < 1', () => {
    expect(() => grid(2, 1)).toThrow(/height/);
    expect(() => grid(2, 0)).toThrow(/height/);
    expect(() => grid(2, 2.5)).toThrow(/height/);
    expect(() => grid(0, 4)).toThrow(/ndim/);
    expect(() => grid(2, 2)).not.toThrow();
  });
});
