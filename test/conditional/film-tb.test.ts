import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { Rng } from '../../core/base/rng.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import { FilmMlp } from '../../core/tensor/film-mlp.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { allForwardActionLists, forwardBatch, maskedSoftmax } from '../algorithms/enumeration.js';
import { logits64 } from '../algorithms/float64-mlp.js';
import { filmLogits64, randomizeFilm } from './film64.js';
import { conditional, expectTbGradientMatches, conditionalTb, conditionedBatch } from './helpers.js';

/*
 * Conditional TB with `encoding: "film"` by brute force on a 3 x 3 HyperGrid: every complete
 * trajectory at three temperatures in one batch. P_F is a FiLM MLP (its modulations given random
 * values: they start at zero); the loss
 *   mean_τ (1/β_τ) (log Z(c_τ) + Σ log P_F(·|s, c_τ) − β_τ log R(x) − Σ log P_B)²
 * is computed again in float64 with the observation built by hand ([one-hot, log β, β]) and the
 * network by plain loops, and its gradient in every parameter of P_F (W, b, Γ, Β) and of log Z(c)
 * is checked against central differences of that function.
 */
const base = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const env = conditional(base, { encoding: 'film' });
const EXIT = base.nActions - 1;
const BETAS = [0.5, 1.5, 3.25];
const lists = allForwardActionLists(base);
const allLists = BETAS.flatMap(() => lists);
const betas = BETAS.flatMap((b) => lists.map(() => b));
const batch = conditionedBatch(env, forwardBatch(base, allLists), betas);

function observation(state: Int32Array, beta: number): Float32Array {
  return Float32Array.from([...base.encode(state), Math.fround(Math.log(beta)), beta]);
}

function float64Loss(forward: FilmMlp, logZNet: Mlp, fParams: ArrayLike<number>, zParams: ArrayLike<number>): number {
  const logZ = new Map(BETAS.map((b) => [b, logits64(logZNet, zParams, Float32Array.of(Math.log(b), b), 1)[0]!]));
  let total = 0;
  allLists.forEach((acts, i) => {
    const beta = betas[i]!;
    let s: Int32Array = base.s0.slice();
    let residual = logZ.get(beta)!;
    for (const a of acts) {
      residual += Math.log(maskedSoftmax(filmLogits64(forward, fParams, observation(s, beta), 1), base.forwardMask(s))[a]!);
      if (a === EXIT) break;
      s = base.step(s, Int32Array.of(a));
      residual += Math.log(base.backwardMask(s).reduce((x, y) => x + y, 0));
    }
    residual -= beta * base.logReward(s)[0]!;
    total += (residual * residual) / beta;
  });
  return total / allLists.length;
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
