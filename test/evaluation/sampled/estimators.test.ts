import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Enumerable, Environment } from '../../../core/env/environment.js';
import type { Estimator } from '../../../core/tensor/estimator.js';
import { ExactTerminatingDistribution } from '../../../core/evaluation/exact.js';
import { pearson, ranks, spearman, varianceOfDifference } from '../../../core/evaluation/sampled/correlation.js';
import { importanceLogLikelihood } from '../../../core/evaluation/sampled/likelihood.js';
import { partitionEstimates } from '../../../core/evaluation/sampled/partition.js';
import { trajectoryLogProbs } from '../../../core/evaluation/sampled/trajectory-log-probs.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../../core/policy/backward.js';
import { Rng } from '../../../core/base/rng.js';
import { Sampler } from '../../../core/sampling/sampler.js';
import { Mlp } from '../../../core/tensor/mlp.js';
import { HyperGrid } from '../../../envs/hypergrid.js';
import { createBitSeq } from '../../../envs/sequence/bitseq.js';

const nets: Mlp[] = [];
afterAll(() => nets.forEach((n) => n.dispose()));

function mlp(inputDim: number, outputDim: number, seed: number): Mlp {
  const net = new Mlp({ inputDim, hidden: [32], outputDim, activation: 'relu' }, new Rng(seed), `sampled-test-${seed}-${nets.length}`);
  nets.push(net);
  return net;
}

/** Exact log P_T(x) of each row of `terminals`. */
function exactLogPT(env: Environment & Enumerable, forward: Estimator, terminals: Int32Array): Float64Array {
  const pT = new ExactTerminatingDistribution(env).compute(forward);
  return Float64Array.from(env.stateIndex(terminals), (i) => Math.log(pT[i]!));
}

describe('sample statistics', () => {
  it('Pearson, Spearman (tie-averaged ranks) and Var of a difference match hand values', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    // monotone but not linear: Spearman 1, Pearson below 1
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 1000])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [1, 8, 27, 1000])).toBeLessThan(0.9);
    expect(varianceOfDifference([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(varianceOfDifference([2, 4, 6], [0, 0, 0])).toBeCloseTo(4, 12);
    // constant values (e.g. samples that all have the background reward): undefined, not a rounding-noise 0
    expect(pearson([0.1, 0.2, 0.3], [Math.log(0.01), Math.log(0.01), Math.log(0.01)])).toBeNaN();
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
  });
});

describe('importance-sampled log p̂(x)', () => {
  const cases: [string, () => { env: Environment & Enumerable; forward: Estimator; backward: BackwardPolicy }][] = [
    [
      'hypergrid 2-D H=5, uniform P_B',
      () => {
        const env = new HyperGrid({ ndim: 2, height: 5, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
        return { env, forward: mlp(env.obsDim, env.nActions, 3), backward: new UniformBackwardPolicy(env) };
      },
    ],
    [
      'bitseq n=5 (insert anywhere), learned P_B',
      () => {
        const env = createBitSeq({ ndim: 5, groups: 2, modesPerGroup: 2 });
        return { env, forward: mlp(env.obsDim, env.nActions, 5), backward: new LearnedBackwardPolicy(env, mlp(env.obsDim, env.nActions - 1, 6)) };
      },
    ],
  ];

  it.each(cases)('agrees with the exact log P_T(x) within its bootstrap error (%s)', (_name, make) => {
    const { env, forward, backward } = make();
    const rng = new Rng(11);
    const sampler = new Sampler(env, forward, rng);
    const terminals = sampler.sampleForward(40).terminalStates();
    const before = tf.memory().numTensors;
    const est = importanceLogLikelihood(env, forward, backward, sampler, terminals, { samples: 64, bootstrap: 200, chunkTrajectories: 500 }, rng);
    expect(tf.memory().numTensors).toBe(before);
    const exact = exactLogPT(env, forward, terminals);
    let within = 0;
    for (let i = 0; i < exact.length; i++) {
      const err = Math.abs(est.logP[i]! - exact[i]!);
      // 3 standard errors, and never grossly off
      if (err <= 3 * est.standardError[i]! + 1e-6) within++;
      expect(err).toBeLessThan(0.5);
    }
    expect(within / exact.length).toBeGreaterThanOrEqual(0.9);
  });

  it('is exact with one trajectory when every terminal state has a single trajectory (deterministic P_B)', () => {
    // 1-D grid: one path to each cell, so log P_F(τ) − log P_B(τ|x) = log P_T(x) exactly
    const env = new HyperGrid({ ndim: 1, height: 6, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const forward = mlp(env.obsDim, env.nActions, 9);
    const rng = new Rng(1);
    const sampler = new Sampler(env, forward, rng);
    const terminals = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const est = importanceLogLikelihood(
      env,
      forward,
      new UniformBackwardPolicy(env),
      sampler,
      terminals,
      { samples: 3, bootstrap: 20, chunkTrajectories: 7 },
      rng,
    );
    const exact = exactLogPT(env, forward, terminals);
    for (let i = 0; i < 6; i++) {
      expect(est.logP[i]).toBeCloseTo(exact[i]!, 5);
      expect(est.standardError[i]).toBeCloseTo(0, 6);
    }
  });

  it('gives the exact correlations of log P_T with log R on a test set, up to the estimation noise', () => {
    const env = new HyperGrid({ ndim: 2, height: 6, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const forward = mlp(env.obsDim, env.nActions, 21);
    const rng = new Rng(2);
    const test = env.testSet();
    const est = importanceLogLikelihood(
      env,
      forward,
      new UniformBackwardPolicy(env),
      new Sampler(env, forward, rng),
      test,
      { samples: 64, bootstrap: 10, chunkTrajectories: 4096 },
      rng,
    );
    const exact = exactLogPT(env, forward, test);
    const logR = env.logReward(test);
    expect(spearman(est.logP, logR)).toBeCloseTo(spearman(exact, logR), 1);
    expect(pearson(est.logP, logR)).toBeCloseTo(pearson(exact, logR), 1);
    const v = varianceOfDifference(logR, exact);
    expect(Math.abs(varianceOfDifference(logR, est.logP) - v)).toBeLessThan(0.1 * v);
  });
});

describe('log Z estimates from forward samples', () => {
  it('ELBO = E[w] ≤ log Z and IS log Ẑ agrees with the exact log Z within its standard error', () => {
    const env = new HyperGrid({ ndim: 2, height: 6, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const forward = mlp(env.obsDim, env.nActions, 31);
    const backward = new UniformBackwardPolicy(env);
    const batch = new Sampler(env, forward, new Rng(4)).sampleForward(4000);
    const { logPF, logPB } = trajectoryLogProbs(env, forward, backward, batch);
    const z = partitionEstimates(batch.logRewards, logPF, logPB);
    const logZ = env.logPartition();
    // standard error of the mean of the weights exp(w), relative: sd/(mean·√N)
    const w = Array.from(batch.logRewards, (r, i) => Math.exp(r + logPB[i]! - logPF[i]! - logZ));
    const m = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / (w.length - 1));
    expect(Math.abs(z.logZIs - logZ)).toBeLessThan((4 * sd) / (m * Math.sqrt(w.length)));
    expect(z.elbo).toBeLessThan(logZ);
    expect(z.ess).toBeGreaterThan(1);
    expect(z.ess).toBeLessThanOrEqual(4000);
  });

  it('trajectoryLogProbs of forward samples: exp(log P_F(τ)) sums, over terminal states, to the exact P_T', () => {
    // 1-D grid: one trajectory per cell, so P_F(τ) is P_T(x) itself
    const env = new HyperGrid({ ndim: 1, height: 5, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const forward = mlp(env.obsDim, env.nActions, 41);
    const batch = new Sampler(env, forward, new Rng(5)).sampleForward(50);
    const { logPF, logPB } = trajectoryLogProbs(env, forward, new UniformBackwardPolicy(env), batch);
    const exact = exactLogPT(env, forward, batch.terminalStates());
    for (let i = 0; i < 50; i++) {
      expect(logPF[i]).toBeCloseTo(exact[i]!, 5);
      expect(logPB[i]).toBe(0);
    }
  });
});
