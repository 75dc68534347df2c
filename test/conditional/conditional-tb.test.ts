import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DetailedBalance } from '../../algorithms/value-based/db.js';
import { SubTrajectoryBalance } from '../../algorithms/value-based/subtb.js';
import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { Rng } from '../../core/base/rng.js';
import type { ConditionalEnvironment } from '../../core/env/condition/conditional-environment.js';
import { ConditionalLogZ } from '../../core/objectives/learned-log-z.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { selectTrajectories } from '../../core/sampling/batch-ops.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { logits64 } from '../algorithms/float64-mlp.js';
import { base, BETAS, productObservation, betas, everyTrajectoryBatch, logZ64, residuals64, weightedMeanSquare } from './grid3.js';
import { conditional, expectTbGradientMatches, conditionalTb } from './helpers.js';

/*
 * Conditional TB by brute force on a 3 x 3 HyperGrid: every complete trajectory (19 of them), each at
 * three temperatures, in one batch. The loss
 *   mean_τ (1/β_τ) (log Z(c_τ) + Σ log P_F(·|s, c_τ) − β_τ log R(x) − Σ log P_B)²
 * is computed again in float64 from the networks' parameters with the observation built by hand
 * ([one-hot, one-hot·log β, one-hot·β, log β, β]), and its gradient with respect to every
 * parameter of P_F and of the log Z(c) network is checked against central differences of that
 * float64 function.
 */
const env = conditional(base);
const batch = everyTrajectoryBatch(env);

/** The conditional TB loss in float64 from flat parameters of P_F and of the log Z(c) network. */
function float64Loss(forward: Mlp, logZNet: Mlp, fParams: ArrayLike<number>, zParams: ArrayLike<number>): number {
  return weightedMeanSquare(residuals64((s, beta) => logits64(forward, fParams, productObservation(s, beta), 1), logZ64(logZNet, zParams)));
}

function makeTb(): { tb: TrajectoryBalance; forward: Mlp; logZNet: Mlp } {
  return conditionalTb(env, 'cond-forward');
}

describe('conditional trajectory balance, by brute force on a 3 x 3 grid', () => {
  it('its log Z is a network of the condition, starting at logZInit for every β', () => {
    const forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh' }, new Rng(3), 'cond-forward');
    const tb = new TrajectoryBalance(
      env,
      forward,
      new UniformBackwardPolicy(env),
      { lr: 1e-3, lrZ: 0.1, logZInit: 0.25, logRewardClip: -50 },
      () => new Rng(5),
    );
    expect(tb.learnedLogZ).toBeInstanceOf(ConditionalLogZ);
    for (const b of BETAS) expect(tb.logZAt(env.at(Float32Array.of(b)).s0)).toBe(Math.fround(0.25));
    expect(() => tb.logZVar).toThrow(/conditional log Z\(c\) is a network/);
    tb.dispose();
    forward.dispose();
  });

  it('the loss over every trajectory at three temperatures equals the float64 computation', () => {
    const { tb, forward, logZNet } = makeTb();
    expect(batch.nTraj).toBe(57);
    const got = tf.tidy(() => tb.loss(batch).dataSync()[0]!);
    const want = float64Loss(forward, logZNet, flattenValues(forward.variables), flattenValues(logZNet.variables));
    expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
    tb.dispose();
    forward.dispose();
  });

  it('its gradient in every parameter of P_F and log Z(c) matches central differences of the float64 loss', () => {
    const { tb, forward, logZNet } = makeTb();
    expectTbGradientMatches(tb, batch, forward, logZNet, (f, z) => float64Loss(forward, logZNet, f, z));
    tb.dispose();
    forward.dispose();
  });
});

describe('conditional DB and SubTB: the state flow sees the condition, residuals weigh 1/β', () => {
  const single = (b: Trajectories, i: number): Trajectories => selectTrajectories(b, [i]);
  const cases = [
    [
      'db',
      (e: ConditionalEnvironment, f: Mlp, flow: Mlp) =>
        new DetailedBalance(e, f, new UniformBackwardPolicy(e), flow, { lr: 1e-3, clipLogReward: false, logRewardClip: -50 }),
    ],
    [
      'subtb',
      (e: ConditionalEnvironment, f: Mlp, flow: Mlp) =>
        new SubTrajectoryBalance(e, f, new UniformBackwardPolicy(e), flow, { lr: 1e-3, lambda: 0.9, weighting: 'geometric', logRewardClip: -50 }),
    ],
  ] as const;
  for (const [name, make] of cases) {
    it(`${name}: the batch loss is the 1/β-weighted mean of the per-trajectory losses, and the flow's log F(s0) depends on β`, () => {
      const forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh' }, new Rng(3), `${name}-forward`);
      const flow = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'tanh' }, new Rng(4), `${name}-flow`);
      const objective = make(env, forward, flow);
      // the same networks, residuals unweighted: their per-trajectory losses
      const unweighted = make(conditional(base, { residualWeight: 'none' }), forward, flow);
      const whole = tf.tidy(() => objective.loss(batch).dataSync()[0]!);
      let weighted = 0;
      for (let i = 0; i < batch.nTraj; i++) weighted += tf.tidy(() => unweighted.loss(single(batch, i)).dataSync()[0]!) / betas[i]!;
      expect(Math.abs(whole - weighted / batch.nTraj)).toBeLessThan(1e-5 * Math.max(1, whole));
      const logF = BETAS.map((b) => objective.logZAt(env.at(Float32Array.of(b)).s0));
      expect(new Set(logF).size).toBe(BETAS.length);
      objective.dispose();
      forward.dispose();
    });
  }
});
