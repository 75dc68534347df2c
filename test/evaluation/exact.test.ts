import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { bruteForceTerminating as bruteForce } from '../helpers/brute-force.js';

function grid(ndim: number, height: number): HyperGrid {
  return new HyperGrid({ ndim, height, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
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
