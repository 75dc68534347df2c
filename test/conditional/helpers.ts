/**
 * Test helpers for conditional runs: a temperature condition space from a partial `condition`
 * section, and forward batches whose trajectories carry a given β each.
 */
import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { Rng } from '../../core/base/rng.js';
import type { ConditionConfig } from '../../core/env/condition/condition-config.js';
import { ConditionalEnvironment } from '../../core/env/condition/conditional-environment.js';
import { TemperatureSpace } from '../../core/env/condition/temperature-space.js';
import type { Environment } from '../../core/env/environment.js';
import type { ConditionalLogZ } from '../../core/objectives/learned-log-z.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { gradient } from '../algorithms/enumeration.js';

/** A `condition` section with every field filled in (β ~ log-uniform[0.5, 4] unless `patch` says otherwise). */
export function conditionConfig(patch: Partial<ConditionConfig> = {}): ConditionConfig {
  return {
    beta: { distribution: 'log-uniform', min: 0.5, max: 4 },
    grid: [0.5, 1, 2, 4],
    reference: 1,
    encoding: 'product',
    residualWeight: 'inverse-beta',
    ...patch,
  };
}

/** `base` conditioned on β by `condition`. */
export function conditional(base: Environment, patch: Partial<ConditionConfig> = {}): ConditionalEnvironment {
  return new ConditionalEnvironment(base, new TemperatureSpace(conditionConfig(patch)));
}

/**
 * The forward batch `plain` (trajectories of the environment itself) with trajectory i carrying
 * `betas[i]` (β, or every component of its condition) in every real state (padding stays −1), and its log-rewards those of the conditional
 * environment (β_i·log R).
 */
export function conditionedBatch(env: ConditionalEnvironment, plain: Trajectories, betas: readonly (number | readonly number[])[]): Trajectories {
  const d = plain.stateDim;
  const D = env.stateDim;
  const n = plain.nTraj;
  const rows = (plain.maxSteps + 1) * n;
  const states = new Int32Array(rows * D).fill(-1);
  for (let r = 0; r < rows; r++) {
    const s = plain.states.subarray(r * d, r * d + d);
    if (s[0] === -1) continue;
    states.set(env.withCondition(s, Float32Array.from([betas[r % n]!].flat())), r * D);
  }
  const out = new Trajectories('forward', n, plain.maxSteps, D, states, plain.actions, plain.lengths, new Float64Array(n));
  return new Trajectories('forward', n, plain.maxSteps, D, states, plain.actions, plain.lengths, env.logReward(out.terminalStates()));
}

/**
 * P_F (tanh: smooth for finite differences; `forward` when given) and conditional TB-U over it on
 * `env`, its log Z(c) network's output layer given random weights (it starts at zero) so the
 * gradient reaches every layer.
 */
export function conditionalTb<F extends Estimator = Mlp>(
  env: ConditionalEnvironment,
  name: string,
  given?: F,
): { tb: TrajectoryBalance; forward: F | Mlp; logZNet: Mlp } {
  const forward = given ?? new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh' }, new Rng(3), name);
  const tb = new TrajectoryBalance(env, forward, new UniformBackwardPolicy(env), { lr: 1e-3, lrZ: 0.1, logZInit: 0.25, logRewardClip: -50 }, () => new Rng(5));
  return { tb, forward, logZNet: randomizedLogZNetwork(tb.learnedLogZ as ConditionalLogZ) };
}

/** The log Z(c) network of `logZ`, its output layer given random weights (it starts at zero, so no gradient would reach the layers below) and bias 0.25. */
export function randomizedLogZNetwork(logZ: ConditionalLogZ): Mlp {
  const logZNet = logZ.network;
  const last = logZNet.layers[logZNet.layers.length - 1]!;
  const rng = new Rng(9);
  last.assign(
    Float32Array.from({ length: last.inDim }, () => rng.uniform() - 0.5),
    [0.25],
  );
  return logZNet;
}

/**
 * The gradient of `loss` in every parameter of `forward` and every 16th of `logZNet` (each of its
 * layers included) against central differences of `float64` (the same loss from flat parameters):
 * the largest finite difference (`scale`) and the largest disagreement (`worst`).
 */
export function conditionalGradientCheck(
  loss: () => tf.Scalar,
  forward: { readonly variables: readonly tf.Variable[] },
  logZNet: Mlp,
  float64: (fParams: ArrayLike<number>, zParams: ArrayLike<number>) => number,
): { scale: number; worst: number } {
  const got = gradient(loss, [...forward.variables, ...logZNet.variables]);
  const f0 = flattenValues(forward.variables);
  const z0 = flattenValues(logZNet.variables);
  const h = 1e-6;
  let scale = 0;
  let worst = 0;
  const checked = Array.from({ length: got.length }, (_, k) => k).filter((k) => k < f0.length || (k - f0.length) % 16 === 0);
  for (const k of checked) {
    const shift = (d: number): number => {
      const f = Float64Array.from(f0);
      const z = Float64Array.from(z0);
      if (k < f0.length) f[k]! += d;
      else z[k - f0.length]! += d;
      return float64(f, z);
    };
    const fd = (shift(h) - shift(-h)) / (2 * h);
    scale = Math.max(scale, Math.abs(fd));
    worst = Math.max(worst, Math.abs(fd - got[k]!));
  }
  return { scale, worst };
}

/**
 * Expects the gradient of conditional TB's loss on `batch` in every parameter of `forward` and of
 * `logZNet` ({@link conditionalGradientCheck}) to be a real one (not all zero) matched by the
 * central differences of `float64` to float32 precision.
 */
export function expectTbGradientMatches(
  tb: TrajectoryBalance,
  batch: Trajectories,
  forward: { readonly variables: readonly tf.Variable[] },
  logZNet: Mlp,
  float64: (fParams: ArrayLike<number>, zParams: ArrayLike<number>) => number,
): void {
  const { scale, worst } = conditionalGradientCheck(() => tb.loss(batch), forward, logZNet, float64);
  expect(scale).toBeGreaterThan(0.1);
  expect(worst).toBeLessThan(1e-4 * scale);
}
