import { afterAll, describe, expect, it } from 'vitest';
import { hasModes, isEnumerable } from '../../core/env/environment.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { SequenceEnv, type SequenceReward } from '../../envs/sequence/sequence-env.js';
import { bruteForceTerminating as bruteForce } from '../helpers/brute-force.js';
import { keepValid, randomAllowed } from '../helpers/random-actions.js';

/** A reward with a different value for every full sequence: log R(j) = sin(j) (no ties, no structure). */
function testReward(modes: number[] = [0]): SequenceReward {
  return { logRewardOfIndex: (j) => Math.sin(j + 1), modeIndices: () => Int32Array.from(modes) };
}

function seqEnv(ndim: number, nbase: number, modes?: number[]): SequenceEnv {
  return new SequenceEnv({ name: 'seqtest', ndim, nbase }, testReward(modes));
}

/** n random states: each position empty with probability 0.4 (whatever nbase), else a uniformly drawn symbol. */
function randomStates(env: SequenceEnv, n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n * env.ndim);
  for (let k = 0; k < out.length; k++) out[k] = rng.uniform() < 0.4 ? -1 : rng.int(env.nbase);
  return out;
}

const SHAPES: Array<[number, number]> = [
  [3, 2],
  [4, 3],
  [8, 4],
  [5, 11],
];

describe('SequenceEnv transitions', () => {
  it.each(SHAPES)('backwardStep undoes step for random valid actions (ndim %i, nbase %i)', (ndim, nbase) => {
    const env = seqEnv(ndim, nbase);
    const rng = new Rng(7 + ndim * 13 + nbase);
    const raw = randomStates(env, 500, rng);
    const { states, actions } = keepValid(raw, randomAllowed(env.forwardMask(raw), env.nActions - 1, env.nActions, rng), ndim);
    expect(actions.length).toBeGreaterThan(300);
    const next = env.step(states, actions);
    for (let r = 0; r < actions.length; r++) {
      const symbol = Math.floor(actions[r]! / ndim);
      const position = actions[r]! % ndim;
      for (let p = 0; p < ndim; p++) expect(next[r * ndim + p]).toBe(p === position ? symbol : states[r * ndim + p]);
    }
    const bmask = env.backwardMask(next);
    for (let r = 0; r < actions.length; r++) expect(bmask[r * (env.nActions - 1) + actions[r]!]).toBe(1);
    expect(env.backwardStep(next, actions)).toEqual(states);
  });

  it.each(SHAPES)('step undoes backwardStep for random valid backward actions (ndim %i, nbase %i)', (ndim, nbase) => {
    const env = seqEnv(ndim, nbase);
    const rng = new Rng(99 + ndim * 7 + nbase);
    const raw = randomStates(env, 500, rng);
    const nB = env.nActions - 1;
    const { states, actions } = keepValid(raw, randomAllowed(env.backwardMask(raw), nB, nB, rng), ndim);
    expect(actions.length).toBeGreaterThan(300);
    const prev = env.backwardStep(states, actions);
    const fmask = env.forwardMask(prev);
    for (let r = 0; r < actions.length; r++) {
      expect(prev[r * ndim + (actions[r]! % ndim)]).toBe(-1);
      expect(fmask[r * env.nActions + actions[r]!]).toBe(1);
    }
    expect(env.step(prev, actions)).toEqual(states);
  });

  it('masks by hand (ndim 3, nbase 2)', () => {
    const env = seqEnv(3, 2);
    expect(env.nActions).toBe(7);
    // state [_, 1, 0]: fill position 0 with symbol 0 (a = 0) or 1 (a = 3); no exit
    const s = Int32Array.from([-1, 1, 0]);
    expect(Array.from(env.forwardMask(s))).toEqual([1, 0, 0, 1, 0, 0, 0]);
    // backward: position 1 holds 1 → a = 1·3 + 1 = 4; position 2 holds 0 → a = 2
    expect(Array.from(env.backwardMask(s))).toEqual([0, 0, 1, 0, 1, 0]);
    const full = Int32Array.from([1, 0, 1]);
    expect(Array.from(env.forwardMask(full))).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(env.backwardMask(full))).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(env.forwardMask(env.s0))).toEqual([1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(env.backwardMask(env.s0))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(env.isInitial(Int32Array.from([-1, -1, -1, -1, 0, -1])))).toEqual([1, 0]);
  });

  it.each(SHAPES)('masks agree with their definition on random states (ndim %i, nbase %i)', (ndim, nbase) => {
    const env = seqEnv(ndim, nbase);
    const states = randomStates(env, 300, new Rng(5 + ndim));
    const f = env.forwardMask(states);
    const b = env.backwardMask(states);
    const nA = env.nActions;
    for (let r = 0; r < 300; r++) {
      const row = states.subarray(r * ndim, r * ndim + ndim);
      for (let a = 0; a < nA - 1; a++) {
        const symbol = Math.floor(a / ndim);
        const position = a % ndim;
        expect(f[r * nA + a]).toBe(row[position] === -1 ? 1 : 0);
        expect(b[r * (nA - 1) + a]).toBe(row[position] === symbol ? 1 : 0);
      }
      expect(f[r * nA + nA - 1]).toBe(row.every((v) => v >= 0) ? 1 : 0);
    }
  });

  it('rejects invalid actions and partial terminal states with clear errors', () => {
    const env = seqEnv(3, 2);
    const s = Int32Array.from([-1, 1, 0]);
    expect(() => env.step(s, Int32Array.from([1]))).toThrow(/position 1 is already filled/);
    expect(() => env.step(s, Int32Array.from([6]))).toThrow(/not an insertion/);
    expect(() => env.step(s, Int32Array.from([-1]))).toThrow(/not an insertion/);
    expect(() => env.backwardStep(s, Int32Array.from([1]))).toThrow(/position 1 holds 1, not symbol 0/);
    expect(() => env.backwardStep(s, Int32Array.from([0]))).toThrow(/position 0 holds -1/);
    expect(() => env.backwardStep(s, Int32Array.from([6]))).toThrow(/invalid backward action 6/);
    expect(() => env.step(s, Int32Array.from([0, 3]))).toThrow(/2 actions for 1 states/);
    expect(() => env.logReward(s)).toThrow(/row 0 is not a full sequence \(position 0 holds -1\)/);
    expect(() => env.encode(Int32Array.from([0, 2, 0]))).toThrow(/value 2 at position 1/);
    expect(() => env.stateIndex(Int32Array.from([0, -2, 0]))).toThrow(/value -2 at position 1/);
    expect(() => new SequenceEnv({ name: 'x', ndim: 0, nbase: 2 }, testReward())).toThrow(/x: ndim must be an integer >= 1, got 0/);
    expect(() => new SequenceEnv({ name: 'x', ndim: 3, nbase: 1 }, testReward())).toThrow(/nbase must be an integer >= 2, got 1/);
  });

  it('encodes one-hot per position, empty positions all zero', () => {
    const env = seqEnv(3, 4);
    expect(env.obsDim).toBe(12);
    const obs = env.encode(Int32Array.from([2, -1, 3, -1, -1, -1]));
    expect(Array.from(obs.subarray(0, 12))).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(obs.subarray(12))).toEqual(new Array(12).fill(0));
  });

  it('logReward reads the base-nbase index, most significant position first', () => {
    const env = seqEnv(3, 4);
    // [1, 2, 3] → 1·16 + 2·4 + 3 = 27; [3, 0, 0] → 48
    expect(Array.from(env.sequenceIndex(Int32Array.from([1, 2, 3, 3, 0, 0])))).toEqual([27, 48]);
    expect(Array.from(env.logReward(Int32Array.from([1, 2, 3, 3, 0, 0])))).toEqual([Math.sin(28), Math.sin(49)]);
    expect(Array.from(env.sequencesOf([27, 48]))).toEqual([1, 2, 3, 3, 0, 0]);
    expect(env.maxTrajectoryLength).toBe(4);
  });
});

describe('SequenceEnv enumeration', () => {
  it.each([
    [3, 2],
    [2, 3],
    [4, 3],
  ])('allStates lists every state once, parents first; stateIndex inverts it (ndim %i, nbase %i)', (ndim, nbase) => {
    const env = seqEnv(ndim, nbase);
    expect(isEnumerable(env)).toBe(true);
    const all = env.allStates();
    const n = env.nStates;
    expect(n).toBe((nbase + 1) ** ndim);
    expect(all.length).toBe(n * ndim);
    expect(Array.from(env.stateIndex(all))).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(new Set(Array.from({ length: n }, (_, i) => all.subarray(i * ndim, i * ndim + ndim).join(','))).size).toBe(n);
    expect(env.stateIndex(env.s0)[0]).toBe(0);
    // number of filled positions never decreases along the order
    const filled = (i: number): number => all.subarray(i * ndim, i * ndim + ndim).filter((v) => v >= 0).length;
    for (let i = 1; i < n; i++) expect(filled(i)).toBeGreaterThanOrEqual(filled(i - 1));
    // every child comes after its parent
    const fmask = env.forwardMask(all);
    for (let s = 0; s < n; s++) {
      for (let a = 0; a < env.nActions - 1; a++) {
        if (!fmask[s * env.nActions + a]) continue;
        const child = env.step(all.subarray(s * ndim, s * ndim + ndim), Int32Array.from([a]));
        expect(env.stateIndex(child)[0]).toBeGreaterThan(s);
      }
    }
    // the full sequences come last, in index order
    for (let s = 0; s < n; s++) expect(env.isTerminalIndex(s)).toBe(filled(s) === ndim);
    const tail = all.subarray((n - env.nSequences) * ndim);
    expect(Array.from(env.sequenceIndex(tail))).toEqual(Array.from({ length: env.nSequences }, (_, j) => j));
    // a fresh copy each call
    all[0] = 7;
    expect(env.allStates()[0]).toBe(-1);
  });

  it('true distribution is R/Z on full sequences and zero elsewhere; log Z in float64', () => {
    const env = seqEnv(3, 2);
    let z = 0;
    for (let j = 0; j < 8; j++) z += Math.exp(Math.sin(j + 1));
    expect(env.logPartition()).toBeCloseTo(Math.log(z), 12);
    const p = env.trueDistribution();
    expect(p.length).toBe(27);
    for (let s = 0; s < 19; s++) expect(p[s]).toBe(0);
    for (let j = 0; j < 8; j++) expect(p[19 + j]).toBeCloseTo(Math.exp(Math.sin(j + 1)) / z, 12);
  });

  it('modes are reported as allStates indices and as states', () => {
    const env = seqEnv(3, 2, [5, 2]);
    expect(hasModes(env)).toBe(true);
    expect(Array.from(env.modes())).toEqual([19 + 5, 19 + 2]);
    expect(Array.from(env.modeStates())).toEqual([1, 0, 1, 0, 1, 0]);
    const all = env.allStates();
    for (const m of env.modes()) expect(Array.from(all.subarray(m * 3, m * 3 + 3)).every((v) => v >= 0)).toBe(true);
  });
});

describe('exact terminating distribution on sequences', () => {
  const nets: Mlp[] = [];
  afterAll(() => nets.forEach((m) => m.dispose()));

  it.each([
    [3, 2, 21],
    [2, 3, 22],
  ])('equals brute-force enumeration of all trajectories (ndim %i, nbase %i)', (ndim, nbase, seed) => {
    const env = seqEnv(ndim, nbase);
    const mlp = new Mlp({ inputDim: env.obsDim, hidden: [16, 16], outputDim: env.nActions, activation: 'relu' }, new Rng(seed), `seq-exact-${ndim}-${nbase}`);
    nets.push(mlp);
    const dp = new ExactTerminatingDistribution(env).compute(mlp);
    const { pT, nTrajectories } = bruteForce(env, mlp);
    // every full sequence is reached by ndim! orders of insertion
    const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
    expect(nTrajectories).toBe(env.nSequences * factorial(ndim));
    let sum = 0;
    for (const v of dp) sum += v;
    expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
    for (let s = 0; s < env.nStates; s++) {
      if (env.isTerminalIndex(s)) expect(dp[s]).toBeGreaterThan(0);
      else expect(dp[s]).toBe(0);
      expect(Math.abs(dp[s]! - pT[s]!)).toBeLessThan(1e-6);
    }
    // the network is not uniform, so neither is P_T
    let spread = 0;
    for (let s = env.nStates - env.nSequences; s < env.nStates; s++) spread = Math.max(spread, Math.abs(dp[s]! - 1 / env.nSequences));
    expect(spread).toBeGreaterThan(1e-3);
  });
});
