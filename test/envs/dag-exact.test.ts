import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { syntheticDagData } from '../../envs/dag/data.js';
import { EnumerableDagEnv } from '../../envs/dag/enumerable-dag-env.js';
import { GUIDE_EXIT_LOGIT_CAP } from '../../envs/dag/guide.js';
import { enumerableEnv, maskedSoftmax } from './dag-helpers.js';
import { bruteForceTerminating } from '../helpers/brute-force.js';

describe('exact posterior and evaluation', () => {
  const nets: Mlp[] = [];
  afterAll(() => nets.forEach((n) => n.dispose()));

  it.each([2, 3, 4, 5])('the posterior over all DAGs sums to 1 and is R/Z (d = %i)', (d) => {
    const env = enumerableEnv(d, 1);
    const p = env.trueDistribution();
    expect(p.length).toBe(env.nStates);
    expect(Math.abs(p.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-12);
    const lr = env.logReward(env.allStates());
    let z = 0;
    for (const v of lr) z += Math.exp(v);
    expect(Math.abs(env.logPartition() - Math.log(z))).toBeLessThan(1e-9);
    const k = 1 + (7 % (env.nStates - 1));
    expect(Math.abs(p[k]! - Math.exp(lr[k]!) / z)).toBeLessThan(1e-12);
  });

  it('the DP terminating distribution equals brute-force enumeration of all trajectories (d = 3)', () => {
    const env = enumerableEnv(3, 2);
    const mlp = new Mlp({ inputDim: env.obsDim, hidden: [32, 32], outputDim: env.nActions, activation: 'relu' }, new Rng(5), 'dag-exact-test');
    nets.push(mlp);
    const before = tf.memory().numTensors;
    const dp = new ExactTerminatingDistribution(env).compute(mlp);
    const { pT, nTrajectories } = bruteForceTerminating(env, mlp);
    // every ordering of every DAG's edges is a trajectory: 1 + 6·1! + 12·2! + 6·3! = 67
    expect(nTrajectories).toBe(67);
    expect(Math.abs(dp.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-9);
    for (let s = 0; s < env.nStates; s++) {
      expect(dp[s]).toBeGreaterThan(0);
      expect(Math.abs(dp[s]! - pT[s]!)).toBeLessThan(1e-6);
    }
    // not the uniform policy's distribution
    expect(Math.abs(dp[0]! - 1 / 7)).toBeGreaterThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('exact evaluation runs on d = 5 with a 4x256 network', () => {
    const env = enumerableEnv(5);
    const mlp = new Mlp({ inputDim: env.obsDim, hidden: [256, 256, 256, 256], outputDim: env.nActions, activation: 'relu' }, new Rng(1), 'dag-exact-d5');
    nets.push(mlp);
    let t0 = performance.now();
    const exact = new ExactTerminatingDistribution(env);
    const setup = performance.now() - t0;
    t0 = performance.now();
    const pT = exact.compute(mlp);
    const compute = performance.now() - t0;
    console.log(`exact evaluation on d = 5 (29,281 DAGs), 4x256 MLP: setup ${setup.toFixed(0)} ms, compute ${compute.toFixed(0)} ms`);
    expect(pT.length).toBe(29281);
    expect(Math.abs(pT.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-9);
    const err = env.edgeMarginalError(pT);
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(1);
  });
});

describe('edge marginals', () => {
  it('are 8/25 for every edge under the uniform distribution over the 25 DAGs on 3 nodes', () => {
    const env = enumerableEnv(3);
    const m = env.edgeMarginals(new Float64Array(25).fill(1 / 25));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(m[i * 3 + j]! - (i === j ? 0 : 8 / 25))).toBeLessThan(1e-15);
  });

  it('of a point mass are its adjacency matrix; the error is the mean |difference| off the diagonal', () => {
    const env = enumerableEnv(3, 1);
    const all = env.allStates();
    const k = 17;
    const point = new Float64Array(25);
    point[k] = 1;
    expect(Array.from(env.edgeMarginals(point))).toEqual(Array.from(all.subarray(k * 9, k * 9 + 9)));
    expect(env.edgeMarginalError(env.trueDistribution())).toBe(0);
    // by hand: the posterior's marginals as Σ_G p(G)·adj_G, then the mean over the 6 ordered pairs
    const post = env.trueDistribution();
    const target = new Array<number>(9).fill(0);
    for (let s = 0; s < 25; s++) for (let e = 0; e < 9; e++) target[e]! += post[s]! * all[s * 9 + e]!;
    let expected = 0;
    for (let e = 0; e < 9; e++) expected += Math.abs(all[k * 9 + e]! - target[e]!);
    expect(Math.abs(env.edgeMarginalError(point) - expected / 6)).toBeLessThan(1e-12);
    expect(() => env.edgeMarginals(new Float64Array(3))).toThrow(/3 entries, expected nStates = 25/);
  });
});

describe('RL-G guide', () => {
  const env = enumerableEnv(3, 0);
  const mlp = new Mlp({ inputDim: env.obsDim, hidden: [16], outputDim: env.nActions, activation: 'tanh' }, new Rng(8), 'dag-guide-test');
  afterAll(() => mlp.dispose());
  const all = env.allStates();
  const logR = env.logReward(all);
  const logits = tf.tidy(() => mlp.predict(tf.tensor2d(env.encode(all), [env.nStates, env.obsDim])).dataSync());
  const mask = env.forwardMask(all);
  const nA = env.nActions;
  const exitRows = Int32Array.from({ length: env.nStates }, () => nA - 1);

  /** log P_G(exit | s) recomputed here from the logits with the cap applied where log R < threshold. */
  const expectedExit = (s: number, threshold: number): number => {
    const l = Array.from(logits.subarray(s * nA, s * nA + nA), (v, a) => (mask[s * nA + a] ? v : -Infinity));
    if (logR[s]! < threshold) l[nA - 1] = Math.min(l[nA - 1]!, GUIDE_EXIT_LOGIT_CAP);
    const max = Math.max(...l);
    return l[nA - 1]! - max - Math.log(l.reduce((acc, v) => acc + Math.exp(v - max), 0));
  };

  it('caps the exit logit exactly in the graphs below the threshold', () => {
    // a threshold in the middle of the log-rewards, so that both branches are exercised
    const sorted = Array.from(logR).sort((a, b) => a - b);
    const threshold = sorted[12]!;
    const guide = env.createGuide(mlp, { guideLogRewardThreshold: threshold });
    const got = guide.logProbs(all, exitRows, all);
    let capped = 0;
    for (let s = 0; s < env.nStates; s++) {
      expect(Math.abs(got[s]! - expectedExit(s, threshold))).toBeLessThan(1e-5);
      if (logR[s]! < threshold) {
        capped++;
        expect(got[s]!).toBeLessThan(GUIDE_EXIT_LOGIT_CAP + 1e-4);
      }
    }
    expect(capped).toBe(12);
  });

  it('is P_F itself where nothing is below the threshold, and a distribution everywhere', () => {
    const guide = env.createGuide(mlp, { guideLogRewardThreshold: -Infinity });
    const rows: number[] = [];
    const acts: number[] = [];
    for (let s = 0; s < env.nStates; s++) for (let a = 0; a < nA; a++) if (mask[s * nA + a]) rows.push(s), acts.push(a);
    const states = new Int32Array(rows.length * 9);
    rows.forEach((s, k) => states.set(all.subarray(s * 9, s * 9 + 9), k * 9));
    const lp = guide.logProbs(states, Int32Array.from(acts), states);
    const total = new Float64Array(env.nStates);
    rows.forEach((s, k) => {
      const p = maskedSoftmax(logits.subarray(s * nA, s * nA + nA), mask.subarray(s * nA, s * nA + nA));
      expect(Math.abs(lp[k]! - Math.log(p[acts[k]!]!))).toBeLessThan(1e-5);
      total[s]! += Math.exp(lp[k]!);
    });
    for (const t of total) expect(Math.abs(t - 1)).toBeLessThan(1e-5);
  });

  it('defaults to the environment threshold (0: graphs worse than the empty graph)', () => {
    const data = syntheticDagData({ d: 3, seed: 0 });
    const high = new EnumerableDagEnv({ d: 3, data: data.data, nSamples: data.nSamples, guideLogRewardThreshold: 1e9 });
    const got = high.createGuide(mlp).logProbs(all, exitRows, all);
    for (let s = 0; s < env.nStates; s++) expect(Math.abs(got[s]! - expectedExit(s, 1e9))).toBeLessThan(1e-5);
    expect(env.guideLogRewardThreshold).toBe(0);
    expect(() => env.createGuide(mlp, { guideLogRewardThreshold: 'low' })).toThrow(/must be a number/);
  });
});
