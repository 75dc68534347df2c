import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { Rng } from '../../core/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

function grid(ndim: number, height: number): HyperGrid {
  return new HyperGrid({ ndim, height, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
}

/** Masked softmax of one state's logits, in float64, straight from a network call on its encoding. */
function policyAt(env: HyperGrid, mlp: Mlp, state: Int32Array): Float64Array {
  const logits = tf.tidy(() => mlp.predict(tf.tensor2d(env.encode(state), [1, env.obsDim])).dataSync() as Float32Array);
  const mask = env.forwardMask(state);
  const p = new Float64Array(env.nActions);
  let max = -Infinity;
  for (let a = 0; a < env.nActions; a++) if (mask[a]) max = Math.max(max, logits[a]!);
  let z = 0;
  for (let a = 0; a < env.nActions; a++) {
    p[a] = mask[a] ? Math.exp(logits[a]! - max) : 0;
    z += p[a]!;
  }
  for (let a = 0; a < env.nActions; a++) p[a]! /= z;
  return p;
}

/**
 * Enumerates every complete trajectory from s0 (every action sequence ending in exit) and adds the
 * probability of each to its terminal state. Also counts the trajectories.
 */
function bruteForce(env: HyperGrid, mlp: Mlp): { pT: Float64Array; nTrajectories: number } {
  const pT = new Float64Array(env.nStates);
  const exit = env.nActions - 1;
  let nTrajectories = 0;
  const visit = (state: Int32Array, prob: number): void => {
    const p = policyAt(env, mlp, state);
    const mask = env.forwardMask(state);
    for (let a = 0; a < env.nActions; a++) {
      if (!mask[a]) continue;
      if (a === exit) {
        pT[env.stateIndex(state)[0]!]! += prob * p[a]!;
        nTrajectories++;
      } else {
        visit(env.step(state, Int32Array.from([a])), prob * p[a]!);
      }
    }
  };
  visit(env.s0.slice(), 1);
  return { pT, nTrajectories };
}

function multinomial(counts: number[]): number {
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  return fact(counts.reduce((a, b) => a + b, 0)) / counts.reduce((a, c) => a * fact(c), 1);
}

describe('ExactTerminatingDistribution', () => {
  const nets: Mlp[] = [];
  afterAll(() => nets.forEach((n) => n.dispose()));

  it.each([
    // [ndim, height, hidden, seed]
    [2, 3, [16], 7],
    [2, 4, [16, 16], 11],
    [3, 3, [8], 13],
  ])('equals brute-force enumeration of all trajectories (ndim %i, height %i)', (ndim, height, hidden, seed) => {
    const env = grid(ndim, height);
    const mlp = new Mlp({ inputDim: env.obsDim, hidden, outputDim: env.nActions, activation: 'relu' }, new Rng(seed), `exact-test-${ndim}-${height}`);
    nets.push(mlp);
    const before = tf.memory().numTensors;

    const dp = new ExactTerminatingDistribution(env).compute(mlp);
    const { pT, nTrajectories } = bruteForce(env, mlp);

    // the enumeration really covered every trajectory: Σ_x multinomial(x) paths
    let expectedCount = 0;
    const all = env.allStates();
    for (let s = 0; s < env.nStates; s++) expectedCount += multinomial(Array.from(all.subarray(s * ndim, s * ndim + ndim)));
    expect(nTrajectories).toBe(expectedCount);

    expect(dp.length).toBe(env.nStates);
    let sum = 0;
    for (const v of dp) sum += v;
    expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
    let bfSum = 0;
    for (const v of pT) bfSum += v;
    expect(Math.abs(bfSum - 1)).toBeLessThan(1e-9);
    for (let s = 0; s < env.nStates; s++) {
      expect(dp[s]).toBeGreaterThan(0);
      expect(Math.abs(dp[s]! - pT[s]!)).toBeLessThan(1e-6);
    }
    // the network is not uniform: the distribution is not the one of a uniform policy either
    const uniformS0Exit = 1 / env.nActions;
    expect(Math.abs(dp[0]! - uniformS0Exit)).toBeGreaterThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('small chunk size gives the same result as one chunk', () => {
    const env = grid(2, 4);
    const mlp = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh' }, new Rng(3), 'exact-test-chunks');
    nets.push(mlp);
    const one = new ExactTerminatingDistribution(env).compute(mlp);
    const chunked = new ExactTerminatingDistribution(env, 5).compute(mlp);
    for (let s = 0; s < env.nStates; s++) expect(Math.abs(one[s]! - chunked[s]!)).toBeLessThan(1e-12);
  });
});
