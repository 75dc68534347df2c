import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import type { MultiObjectiveHyperGrid } from '../../envs/multi-objective-hypergrid.js';
import { allForwardActionLists, forwardBatch, maskedSoftmax } from '../algorithms/enumeration.js';
import { logits64 } from '../algorithms/float64-mlp.js';
import { expectTbGradientMatches, conditionalTb, conditionedBatch } from '../conditional/helpers.js';
import { preferenceConditional } from './helpers.js';

/*
 * Preference-conditioned TB by brute force on the 3 x 3 Branin–Currin HyperGrid: every complete
 * trajectory (19) at three preferences ω, in one batch. The loss
 *   mean_τ (log Z(ω_τ) + Σ log P_F(·|s, ω_τ) − e·Σ_i ω_τ,i log R_i(x) − Σ log P_B)²
 * (equal weights: no β) is computed again in float64 from the networks' parameters with the
 * observation built by hand ([one-hot, one-hot·ω_1, one-hot·ω_2, ω_1, ω_2]), and its gradient in
 * every parameter of P_F and of the log Z(ω) network is checked against central differences.
 */
const EXPONENT = 2;
const env = preferenceConditional(3, { preference: { distribution: 'dirichlet', alpha: 1, exponent: EXPONENT } });
const base = env.base as MultiObjectiveHyperGrid;
const EXIT = base.nActions - 1;
const PREFERENCES = [
  [1, 0],
  [0.3, 0.7],
  [0.6, 0.4],
].map((w) => Array.from(Float32Array.from(w)));
const lists = allForwardActionLists(base);
const allLists = PREFERENCES.flatMap(() => lists);
const preferences = PREFERENCES.flatMap((w) => lists.map(() => w));
const batch = conditionedBatch(env, forwardBatch(base, allLists), preferences);

function observation(state: Int32Array, w: readonly number[]): Float32Array {
  const own = base.encode(state);
  return Float32Array.from([...own, ...Array.from(own, (o) => o * w[0]!), ...Array.from(own, (o) => o * w[1]!), ...w]);
}

function float64Loss(forward: Mlp, logZNet: Mlp, fParams: ArrayLike<number>, zParams: ArrayLike<number>): number {
  let total = 0;
  allLists.forEach((acts, i) => {
    const w = preferences[i]!;
    let s: Int32Array = base.s0.slice();
    let residual = logits64(logZNet, zParams, Float32Array.from(w), 1)[0]!;
    for (const a of acts) {
      const logits = logits64(forward, fParams, observation(s, w), 1);
      residual += Math.log(maskedSoftmax(logits, base.forwardMask(s))[a]!);
      if (a === EXIT) break;
      s = base.step(s, Int32Array.of(a));
      residual += Math.log(base.backwardMask(s).reduce((x, y) => x + y, 0));
    }
    const logR = base.logObjectives(s);
    residual -= EXPONENT * (w[0]! * logR[0]! + w[1]! * logR[1]!);
    total += residual * residual;
  });
  return total / allLists.length;
}

function makeTb(): { tb: TrajectoryBalance; forward: Mlp; logZNet: Mlp } {
  return conditionalTb(env, 'pref-forward');
}

describe('preference-conditioned trajectory balance, by brute force on a 3 x 3 grid', () => {
  it('the batch carries each trajectory’s preference, its log-reward e·Σ ω_i log R_i', () => {
    expect(batch.nTraj).toBe(57);
    const logR = base.logObjectives(base.allStates());
    // the first 19 trajectories weigh Branin alone
    const terminals = env.baseStates(batch.terminalStates());
    const index = base.stateIndex(terminals);
    for (let i = 0; i < 19; i++) expect(batch.logRewards[i]).toBeCloseTo(EXPONENT * logR[2 * index[i]!]!, 12);
  });

  it('the loss equals the float64 computation', () => {
    const { tb, forward, logZNet } = makeTb();
    const got = tf.tidy(() => tb.loss(batch).dataSync()[0]!);
    const want = float64Loss(forward, logZNet, flattenValues(forward.variables), flattenValues(logZNet.variables));
    expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
    tb.dispose();
    forward.dispose();
  });

  it('its gradient in every parameter of P_F and log Z(ω) matches central differences of the float64 loss', () => {
    const { tb, forward, logZNet } = makeTb();
    expectTbGradientMatches(tb, batch, forward, logZNet, (f, z) => float64Loss(forward, logZNet, f, z));
    tb.dispose();
    forward.dispose();
  });
});
