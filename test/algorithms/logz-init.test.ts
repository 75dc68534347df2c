import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyGradientGFlowNet, type RlOptions } from '../../algorithms/policy-based/rl.js';
import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { type LogZInit, LogZInitialiser, logMeanExp, trajectoryLogWeights } from '../../core/objectives/initial-log-z.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { allForwardActionLists, forwardBatch } from './enumeration.js';

/*
 * logZInit "auto": before the first gradient step log Z becomes log mean_i exp(log R(x_i) − log P_F(τ_i)
 * + log P_B(τ_i|x_i)) over the first batch. Checked against a step-by-step float64 computation
 * (one network call per state, a hand-written masked log-softmax), and against the identity
 * Σ_τ P_F(τ)·exp(w_τ) = Σ_x R(x) Σ_τ P_B(τ|x) = Z on every trajectory of a tiny grid.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const EXIT = env.nActions - 1;
const LRZ = 0.1;

/** Masked log-softmax of one state's logits, float64. */
function logSoftmax(logits: ArrayLike<number>, mask: ArrayLike<number>, k: number): number {
  let max = -Infinity;
  for (let a = 0; a < mask.length; a++) if (mask[a]) max = Math.max(max, logits[a]!);
  let s = 0;
  for (let a = 0; a < mask.length; a++) if (mask[a]) s += Math.exp(logits[a]! - max);
  return logits[k]! - max - Math.log(s);
}

/** Host logits of one state. */
function logitsOf(net: Mlp, state: Int32Array): Float32Array {
  return tf.tidy(() => net.predict(tf.tensor2d(env.encode(state), [1, env.obsDim])).dataSync() as Float32Array);
}

/** log R − log P_F(τ) + log P_B(τ|x) of each trajectory of `batch`, one state at a time. */
function bruteForceWeights(batch: Trajectories, forward: Mlp, backwardNet?: Mlp): { w: number[]; logPF: number[] } {
  const w: number[] = [];
  const logPF: number[] = [];
  for (let i = 0; i < batch.nTraj; i++) {
    let lpf = 0;
    let lpb = 0;
    for (let t = 0; t < batch.lengths[i]!; t++) {
      const s = batch.state(t, i).slice();
      const a = batch.action(t, i);
      lpf += logSoftmax(logitsOf(forward, s), env.forwardMask(s), a);
      if (a === EXIT) continue;
      const next = batch.state(t + 1, i).slice();
      const bmask = env.backwardMask(next);
      lpb += backwardNet ? logSoftmax(logitsOf(backwardNet, next), bmask, a) : -Math.log(bmask.reduce((x, y) => x + y, 0));
    }
    w.push(Math.max(batch.logRewards[i]!, -12) - lpf + lpb);
    logPF.push(lpf);
  }
  return { w, logPF };
}

function bruteLogMeanExp(w: number[]): number {
  const m = Math.max(...w);
  return m + Math.log(w.reduce((s, v) => s + Math.exp(v - m), 0) / w.length);
}

describe('logZInit auto', () => {
  let forward: Mlp;
  let backwardNet: Mlp;
  let all: Trajectories;
  beforeAll(() => {
    forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(31), 'logz-init/forward');
    backwardNet = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions - 1, activation: 'relu' }, new Rng(32), 'logz-init/backward');
    all = forwardBatch(env, allForwardActionLists(env));
  });
  afterAll(() => {
    forward.dispose();
    backwardNet.dispose();
  });

  for (const learned of [false, true]) {
    const label = learned ? 'learned P_B' : 'uniform P_B';
    it(`${label}: trajectory log-weights equal a step-by-step computation, and Σ_τ P_F(τ)·e^w = Z over every trajectory`, () => {
      const backward: BackwardPolicy = learned ? new LearnedBackwardPolicy(env, backwardNet) : new UniformBackwardPolicy(env);
      const before = tf.memory().numTensors;
      const w = trajectoryLogWeights(env, forward, backward, all, -12);
      expect(tf.memory().numTensors).toBe(before);
      const brute = bruteForceWeights(all, forward, learned ? backwardNet : undefined);
      expect(all.nTraj).toBe(19);
      for (let i = 0; i < all.nTraj; i++) expect(Math.abs(w[i]! - brute.w[i]!)).toBeLessThan(1e-5);
      // E_{P_F}[e^w] = Z for any P_F and any P_B: the sign conventions are right
      const logZ = bruteLogMeanExp(brute.w.map((v, i) => v + brute.logPF[i]! + Math.log(all.nTraj)));
      expect(Math.abs(logZ - env.logPartition())).toBeLessThan(1e-9);
      expect(Math.abs(logMeanExp(w) - bruteLogMeanExp(brute.w))).toBeLessThan(1e-5);
    });
  }

  it('logMeanExp is stable far from 0 and exact on a hand case', () => {
    expect(logMeanExp([1000, 1000])).toBeCloseTo(1000, 12);
    expect(logMeanExp([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(2), 14);
    expect(logMeanExp([-Infinity, Math.log(4)])).toBeCloseTo(Math.log(2), 14);
  });

  /** A batch of some trajectories, with repeats, from the sampler. */
  const sampled = (n: number, seed: number): Trajectories => new Sampler(env, forward, new Rng(seed)).sampleForward(n);

  function tb(logZInit: LogZInit, learned = false): TrajectoryBalance {
    // a copy of P_F: the update must not change the shared one
    const pf = new Mlp(forward.shape, new Rng(31), 'logz-init/tb-forward');
    const pb = learned ? new LearnedBackwardPolicy(env, new Mlp(backwardNet.shape, new Rng(32), 'logz-init/tb-backward')) : new UniformBackwardPolicy(env);
    return new TrajectoryBalance(env, pf, pb, { lr: 1e-3, lrZ: LRZ, logZInit, logRewardClip: -12 });
  }

  for (const learned of [false, true]) {
    it(`TB (${learned ? 'learned' : 'uniform'} P_B): the first update reports logZInit = the brute-force log-mean-exp of its fresh trajectories, set before the step`, () => {
      const batch = sampled(12, 41);
      const brute = bruteLogMeanExp(bruteForceWeights(batch, forward, learned ? backwardNet : undefined).w.slice(0, 8));
      const objective = tb('auto', learned);
      try {
        const first = objective.update({ iteration: 1, forward: batch, fresh: 8 });
        expect(Math.abs(first.logZInit! - brute)).toBeLessThan(1e-5);
        // the whole batch gives another estimate: only the fresh part was used
        const whole = bruteLogMeanExp(bruteForceWeights(batch, forward, learned ? backwardNet : undefined).w);
        expect(Math.abs(whole - brute)).toBeGreaterThan(1e-3);
        // one Adam step moves log Z by at most ~its learning rate from where it started
        expect(Math.abs(first.logZ! - first.logZInit!)).toBeLessThanOrEqual(LRZ * 1.001);
        expect(Math.abs(first.logZ! - first.logZInit!)).toBeGreaterThan(0);
        const second = objective.update({ iteration: 2, forward: sampled(12, 42) });
        expect(second.logZInit).toBeUndefined();
        expect(Math.abs(second.logZ! - first.logZ!)).toBeLessThanOrEqual(LRZ * 1.001);
      } finally {
        objective.dispose();
      }
    });
  }

  it('a number overrides auto: log Z starts there and the metric says so', () => {
    const objective = tb(2.5);
    try {
      const first = objective.update({ iteration: 1, forward: sampled(8, 43) });
      expect(first.logZInit).toBe(2.5);
      expect(Math.abs(first.logZ! - 2.5)).toBeLessThanOrEqual(LRZ * 1.001);
    } finally {
      objective.dispose();
    }
  });

  for (const backward of ['uniform', 'coupled'] as const) {
    it(`rl (${backward}): the first update starts log Ẑ from the same estimate, with the objective's own P_B`, () => {
      const learned = backward === 'coupled';
      const batch = sampled(10, 44);
      const brute = bruteLogMeanExp(bruteForceWeights(batch, forward, learned ? backwardNet : undefined).w);
      const pf = new Mlp(forward.shape, new Rng(31), 'logz-init/rl-forward');
      const value = (name: string): Mlp => new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'relu' }, new Rng(33), name);
      const options: RlOptions = {
        backward,
        optimizer: 'adam',
        lr: 1e-3,
        lrB: 1e-3,
        lrZ: LRZ,
        lrV: 5e-3,
        lambda: 0.99,
        logZInit: 'auto',
        logRewardClip: -12,
        centerAdvantages: true,
        trpo: { delta: 0.01, cgIterations: 10, cgTolerance: 1e-10, backtrackSteps: 20, damping: 0 },
      };
      const rl = new PolicyGradientGFlowNet(
        {
          env,
          forward: pf,
          backward: learned ? new LearnedBackwardPolicy(env, new Mlp(backwardNet.shape, new Rng(32), 'logz-init/rl-backward')) : new UniformBackwardPolicy(env),
          value: value('logz-init/value'),
          ...(learned ? { backwardValue: value('logz-init/backward-value') } : {}),
          sampler: new Sampler(env, pf, new Rng(45)),
        },
        options,
      );
      try {
        const first = rl.update({ iteration: 1, forward: batch });
        expect(Math.abs(first.logZInit! - brute)).toBeLessThan(1e-5);
        expect(Math.abs(first.logZ! - first.logZInit!)).toBeLessThanOrEqual(LRZ * 1.001);
        expect(rl.update({ iteration: 2, forward: sampled(10, 46) }).logZInit).toBeUndefined();
      } finally {
        rl.dispose();
      }
    });
  }

  it('the initialised flag is checkpoint state: a restored objective does not estimate again; a checkpoint without it counts as initialised', () => {
    const objective = tb('auto');
    try {
      const parts = objective.checkpointParts();
      const saved = parts.extra!.logZInit!.saveState();
      expect(saved).toEqual({ initialised: false });
      objective.update({ iteration: 1, forward: sampled(8, 47) });
      expect(parts.extra!.logZInit!.saveState()).toEqual({ initialised: true });
      const restored = tb('auto');
      try {
        restored.checkpointParts().extra!.logZInit!.loadState({ initialised: true });
        const logZBefore = restored.logZ();
        const m = restored.update({ iteration: 2, forward: sampled(8, 48) });
        expect(m.logZInit).toBeUndefined();
        expect(Math.abs(m.logZ! - logZBefore)).toBeLessThanOrEqual(LRZ * 1.001);
      } finally {
        restored.dispose();
      }
    } finally {
      objective.dispose();
    }
    const old = new LogZInitialiser('auto');
    old.loadMissing();
    expect(old.done).toBe(true);
    expect(() => new LogZInitialiser('auto').loadState({ initialised: 'yes' })).toThrow(/initialised/);
  });
});
