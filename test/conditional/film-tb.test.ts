import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { Rng } from '../../core/base/rng.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import { FilmMlp } from '../../core/tensor/film-mlp.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import { filmLogits64, randomizeFilm } from './film64.js';
import { base, everyTrajectoryBatch, logZ64, residuals64, weightedMeanSquare } from './grid3.js';
import { conditional, expectTbGradientMatches, conditionalTb } from './helpers.js';

/*
 * Conditional TB with `encoding: "film"` by brute force on a 3 x 3 HyperGrid: every complete
 * trajectory at three temperatures in one batch. P_F is a FiLM MLP (its modulations given random
 * values: they start at zero); the loss
 *   mean_τ (1/β_τ) (log Z(c_τ) + Σ log P_F(·|s, c_τ) − β_τ log R(x) − Σ log P_B)²
 * is computed again in float64 with the observation built by hand ([one-hot, log β, β]) and the
 * network by plain loops, and its gradient in every parameter of P_F (W, b, Γ, Β) and of log Z(c)
 * is checked against central differences of that function.
 */
const env = conditional(base, { encoding: 'film' });
const batch = everyTrajectoryBatch(env);

function observation(state: Int32Array, beta: number): Float32Array {
  return Float32Array.from([...base.encode(state), Math.fround(Math.log(beta)), beta]);
}

function float64Loss(forward: FilmMlp, logZNet: Mlp, fParams: ArrayLike<number>, zParams: ArrayLike<number>): number {
  return weightedMeanSquare(residuals64((s, beta) => filmLogits64(forward, fParams, observation(s, beta), 1), logZ64(logZNet, zParams)));
}

/** FiLM P_F (its modulations random) and conditional TB-U over it (`conditionalTb`). */
function makeTb(): { tb: TrajectoryBalance; forward: FilmMlp; logZNet: Mlp } {
  const condition = env.observationCondition();
  expect(condition).toEqual({ start: base.obsDim, width: 2, modulation: 'film' });
  const forward = new FilmMlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'tanh', condition }, new Rng(3), 'film-tb');
  randomizeFilm(forward, new Rng(4));
  return { ...conditionalTb(env, 'film-tb', forward), forward };
}

describe('conditional trajectory balance with FiLM, by brute force on a 3 x 3 grid', () => {
  it('observations are concat’s: the environment’s own, then (log β, β)', () => {
    expect(env.obsDim).toBe(base.obsDim + 2);
    expect(Array.from(env.encode(env.at(Float32Array.of(2)).s0))).toEqual(Array.from(observation(base.s0, 2)));
  });

  it('the loss over every trajectory at three temperatures, and its gradient in every parameter of P_F (W, b, Γ, Β) and log Z(c), match the float64 computation', () => {
    const { tb, forward, logZNet } = makeTb();
    const got = tf.tidy(() => tb.loss(batch).dataSync()[0]!);
    const want = float64Loss(forward, logZNet, flattenValues(forward.variables), flattenValues(logZNet.variables));
    expect(want).toBeGreaterThan(0.01);
    expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
    expectTbGradientMatches(tb, batch, forward, logZNet, (f, z) => float64Loss(forward, logZNet, f, z));
    tb.dispose();
    forward.dispose();
  });
});
