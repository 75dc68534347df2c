import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyGradientGFlowNet } from '../../algorithms/policy-based/rl.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { exactTrajectoryKl } from './enumeration.js';

/*
 * The log Ẑ update of the RL objective with P_F frozen.
 *
 * The gradient of the objective's forward loss w.r.t. log Ẑ is mean_n Σ_t r_t = log Ẑ + mean_n D_n
 * with D = log P_F(τ) − log P_B(τ|x) − log R(x), and E[D] = KL − log Z* where
 * KL = KL(P_F(τ) ‖ P_B(τ|x) R(x)/Z*). Plain SGD log Ẑ ← log Ẑ − lr·(log Ẑ + mean D) is then the
 * AR(1) recursion e_{k+1} = (1 − lr) e_k − lr·ε_k around the fixed point log Z* − KL, with
 * ε_k = mean D − E[D] of variance σ²/N (σ² = Var D). Summing the recursion over K steps,
 * mean_k e_k = −mean_k ε_k + (e_first − e_last)/(lr·K): the average over the last K steps is off the
 * target by about σ/√(N·K) plus a boundary term of order sqrt(lr/2)·σ/√N / (lr·K). The test measures σ
 * and checks that this noise is far below its 0.02 tolerance before comparing.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const N = 256;
const LR = 0.1;
const STEPS = 700;
const AVERAGE_LAST = 400;
const TOLERANCE = 0.02;

describe('RL log Ẑ update with P_F fixed', () => {
  let forward: Mlp;
  beforeAll(() => {
    forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(21), 'rl-logz/forward');
  });
  afterAll(() => forward.dispose());

  it('converges to log Z* − KL(P_F(τ) ‖ P_B(τ|x) R(x)/Z*)', () => {
    const { kl, totalProbability, nTrajectories } = exactTrajectoryKl(env, forward);
    expect(nTrajectories).toBe(19);
    expect(Math.abs(totalProbability - 1)).toBeLessThan(1e-9);
    expect(kl).toBeGreaterThan(0.05); // a random P_F is far from the target: the bound is strict
    const logZStar = env.logPartition();
    expect(logZStar).toBeCloseTo(Math.log(4 * 0.6 + 5 * 0.1), 12);
    const target = logZStar - kl;

    const value = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'relu' }, new Rng(22), 'rl-logz/value');
    const sampler = new Sampler(env, forward, new Rng(23));
    const rl = new PolicyGradientGFlowNet(
      { env, forward, backward: new UniformBackwardPolicy(env), value, sampler },
      {
        backward: 'uniform',
        optimizer: 'adam',
        lr: 1e-3,
        lrB: 1e-3,
        lrZ: LR,
        lrV: 5e-3,
        lambda: 0.99,
        logZInit: 0,
        logRewardClip: -12,
        centerAdvantages: true,
        trpo: { delta: 0.01, cgIterations: 10, cgTolerance: 1e-10, backtrackSteps: 20, damping: 0 },
      },
    );
    const forwardBefore = forward.variables.map((v) => Array.from(v.dataSync()));
    try {
      const tensorsBefore = tf.memory().numTensors;
      const history: number[] = [];
      let sumD = 0;
      let sumD2 = 0;
      let nD = 0;
      for (let k = 0; k < STEPS; k++) {
        const batch = sampler.sampleForward(N);
        const logZ = rl.logZ();
        const { loss, quantities } = rl.forwardLoss(batch);
        // only log Ẑ moves: P_F (and V) stay as they are
        const { value: l, grads } = tf.variableGrads(loss, [rl.logZVar]);
        const g = grads[rl.logZVar.name]!.dataSync()[0]!;
        tf.dispose([l, ...Object.values(grads)]);
        // the gradient is mean_n Σ_t r_t, i.e. log Ẑ + mean_n D_n
        const costs = quantities().trajectoryCosts;
        let meanCost = 0;
        for (let i = 0; i < N; i++) {
          const d = costs[i]! - logZ;
          meanCost += costs[i]! / N;
          sumD += d;
          sumD2 += d * d;
          nD++;
        }
        if (k === 0) {
          expect(Math.abs(g - meanCost)).toBeLessThan(1e-5 * Math.max(1, Math.abs(meanCost)));
          // the per-trajectory cost really contains log Ẑ (0 here) and log R: D = Σr − log Ẑ
          expect(logZ).toBe(0);
        }
        tf.tidy(() => rl.logZVar.assign(tf.scalar(logZ - LR * g)));
        history.push(rl.logZ());
      }
      expect(tf.memory().numTensors).toBe(tensorsBefore);

      const meanD = sumD / nD;
      const sigma = Math.sqrt(sumD2 / nD - meanD * meanD);
      const noise = sigma / Math.sqrt(N * AVERAGE_LAST) + (Math.sqrt(LR / 2) * sigma) / Math.sqrt(N) / (LR * AVERAGE_LAST);
      const tail = history.slice(-AVERAGE_LAST);
      const average = tail.reduce((a, b) => a + b, 0) / tail.length;
      console.log(
        `log Z* ${logZStar.toFixed(4)}, KL ${kl.toFixed(4)}, target ${target.toFixed(4)}, average of the last ${AVERAGE_LAST} log Ẑ ${average.toFixed(4)} ` +
          `(off by ${(average - target).toFixed(4)}; σ(D) ${sigma.toFixed(3)}, expected noise ${noise.toFixed(4)}); mean D ${meanD.toFixed(4)} vs E[D] ${(kl - logZStar).toFixed(4)}`,
      );
      expect(4 * noise).toBeLessThan(TOLERANCE);
      expect(Math.abs(average - target)).toBeLessThan(TOLERANCE);
      // it is not the true log Z*: the gap is the KL
      expect(logZStar - average).toBeGreaterThan(kl - TOLERANCE);
      // P_F did not change
      forward.variables.forEach((v, j) => expect(Array.from(v.dataSync())).toEqual(forwardBefore[j]));
    } finally {
      rl.dispose();
    }
  });
});
