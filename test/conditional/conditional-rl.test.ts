import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PolicyGradientGFlowNet } from '../../algorithms/policy-based/rl.js';
import { subEbTrainingLoss } from '../../algorithms/policy-based/subeb.js';
import { Rng } from '../../core/base/rng.js';
import { ConditionalLogZ } from '../../core/objectives/learned-log-z.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { logits64 } from '../algorithms/float64-mlp.js';
import { base, BETAS, productObservation, everyTrajectoryBatch, logZ64, residuals64 } from './grid3.js';
import { conditional, conditionalGradientCheck, randomizedLogZNetwork } from './helpers.js';

/*
 * Conditional RL-U's log Ẑ(c) by brute force on a 3 x 3 HyperGrid: every complete trajectory (19),
 * each at three temperatures, in one batch. A trajectory's cost (Niu et al. 2024) is
 *   C_τ = Σ_t r_t = log Ẑ(c_τ) + Σ_t log P_F(s_{t+1}|s_t, c_τ) − Σ_t log P_B(s_t|s_{t+1}) − β_τ log R(x),
 * and log Ẑ(c) is learned by the gradient (1/N) Σ_τ C_τ ∇log Ẑ(c_τ) = ∇ (1/2N) Σ_τ C_τ² (C_τ has slope 1
 * in log Ẑ(c_τ)): it regresses onto the per-trajectory log-ratios, log Z(c) − KL per condition. The
 * costs and that gradient, in every layer of the log Ẑ(c) network, are checked against a float64
 * computation from the networks' parameters (the observation built by hand) and its central
 * differences. The policy and value terms of the same loss carry no log Ẑ(c) gradient (their
 * advantages and targets are constants), so the whole forward loss's gradient is this one.
 */
const env = conditional(base);
const batch = everyTrajectoryBatch(env);

/** C_τ of every trajectory of the batch in float64 (the TB residual at log Ẑ(c)), from flat parameters of the log Ẑ(c) network. */
function float64Costs(forward: Mlp, logZNet: Mlp, zParams: ArrayLike<number>): Float64Array {
  const fParams = flattenValues(forward.variables);
  return residuals64((s, beta) => logits64(forward, fParams, productObservation(s, beta), 1), logZ64(logZNet, zParams));
}

/** Conditional RL-U over a tanh P_F; its log Ẑ(c) network's output layer given random weights (it starts at zero) so the gradient reaches every layer. */
function makeRl(): { rl: PolicyGradientGFlowNet; forward: Mlp; logZNet: Mlp } {
  const forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh' }, new Rng(3), 'cond-rl-forward');
  const value = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'tanh' }, new Rng(4), 'cond-rl-value');
  const rl = new PolicyGradientGFlowNet(
    { env, forward, backward: new UniformBackwardPolicy(env), value, sampler: new Sampler(env, forward, new Rng(6)), rng: () => new Rng(5) },
    rlOptionsOf(),
  );
  return { rl, forward, logZNet: randomizedLogZNetwork(rl.learnedLogZ as ConditionalLogZ) };
}

describe('conditional RL log Ẑ(c), by brute force on a 3 x 3 grid', () => {
  it('is a network of the condition, starting at logZInit for every β; no single variable', () => {
    const forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh' }, new Rng(3), 'cond-rl-start');
    const fresh = new PolicyGradientGFlowNet(
      {
        env,
        forward,
        backward: new UniformBackwardPolicy(env),
        value: new Mlp({ inputDim: env.obsDim, hidden: [4], outputDim: 1, activation: 'relu' }, new Rng(1), 'v'),
        sampler: new Sampler(env, forward, new Rng(2)),
        rng: () => new Rng(5),
      },
      rlOptionsOf(),
    );
    expect(fresh.learnedLogZ).toBeInstanceOf(ConditionalLogZ);
    for (const b of BETAS) expect(fresh.logZAt(env.at(Float32Array.of(b)).s0)).toBe(Math.fround(0.25));
    expect(() => fresh.logZVar).toThrow(/rl: a conditional log Z\(c\) is a network/);
    expect(
      () =>
        new PolicyGradientGFlowNet(
          {
            env,
            forward,
            backward: new UniformBackwardPolicy(env),
            value: new Mlp({ inputDim: env.obsDim, hidden: [4], outputDim: 1, activation: 'relu' }, new Rng(1), 'v2'),
            sampler: new Sampler(env, forward, new Rng(2)),
          },
          rlOptionsOf(),
        ),
    ).toThrow(/rl: a conditional environment needs an Rng/);
    fresh.dispose();
    forward.dispose();
  });

  it('each trajectory cost uses log Ẑ(c) of its own β: the costs equal the float64 computation', () => {
    const { rl, forward, logZNet } = makeRl();
    expect(batch.nTraj).toBe(57);
    const before = tf.memory().numTensors;
    const { loss, quantities } = rl.forwardLoss(batch);
    loss().dispose();
    expect(tf.memory().numTensors).toBe(before);
    const got = quantities().trajectoryCosts;
    const want = float64Costs(forward, logZNet, flattenValues(logZNet.variables));
    // log Ẑ(c) really differs by β, or the test would not tell the conditions apart
    expect(new Set(BETAS.map((b) => rl.logZAt(env.at(Float32Array.of(b)).s0))).size).toBe(3);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
    expect(worst).toBeLessThan(1e-5);
    rl.dispose();
    forward.dispose();
  });

  it('the forward loss’s gradient in the log Ẑ(c) network = ∇ (1/2N) Σ C_τ² by central differences of the float64 costs', () => {
    const { rl, forward, logZNet } = makeRl();
    const halfMeanSquare = (_f: ArrayLike<number>, z: ArrayLike<number>): number =>
      float64Costs(forward, logZNet, z).reduce((a, c) => a + c * c, 0) / (2 * batch.nTraj);
    const { scale, worst } = conditionalGradientCheck(() => rl.forwardLoss(batch).loss(), { variables: [] }, logZNet, halfMeanSquare);
    expect(scale).toBeGreaterThan(0.1);
    expect(worst).toBeLessThan(1e-4 * scale);
    rl.dispose();
    forward.dispose();
  });

  it('Sub-EB (its Z_diff = (1/N) Σ C_τ²): the gradient in the log Ẑ(c) network = ∇ (1/N) Σ C_τ² by central differences', () => {
    const { rl, forward, logZNet } = makeRl();
    const value = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'tanh' }, new Rng(4), 'cond-subeb-value');
    const ctx = { env, forward, backward: rl.backwardPolicy(), value, logZ: rl.learnedLogZ };
    const options = { subebLambda: 0.9, lambda: 0.9, logRewardClip: -50, centerAdvantages: true };
    const meanSquare = (_f: ArrayLike<number>, z: ArrayLike<number>): number => float64Costs(forward, logZNet, z).reduce((a, c) => a + c * c, 0) / batch.nTraj;
    const { scale, worst } = conditionalGradientCheck(() => subEbTrainingLoss(ctx, batch, options).loss(), { variables: [] }, logZNet, meanSquare);
    expect(scale).toBeGreaterThan(0.1);
    expect(worst).toBeLessThan(1e-4 * scale);
    value.dispose();
    rl.dispose();
    forward.dispose();
  });
});

function rlOptionsOf(): ConstructorParameters<typeof PolicyGradientGFlowNet>[1] {
  return {
    backward: 'uniform',
    optimizer: 'adam',
    lr: 1e-3,
    lrB: 1e-3,
    lrZ: 0.1,
    lrV: 1e-3,
    lambda: 0.9,
    logZInit: 0.25,
    logRewardClip: -50,
    centerAdvantages: true,
    trpo: { delta: 0.01, cgIterations: 10, cgTolerance: 1e-10, backtrackSteps: 10, damping: 0 },
  };
}
