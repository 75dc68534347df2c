/**
 * The fixture of the conditional brute-force tests: a 3 x 3 HyperGrid, every complete trajectory
 * (19 of them) at each of three temperatures in one batch, and each trajectory's balance residual
 *   log Z(c_τ) + Σ_t log P_F(s_{t+1}|s_t, c_τ) − Σ_t log P_B(s_t|s_{t+1}) − β_τ log R(x)
 * recomputed in float64 (uniform P_B) from a P_F and a log Z(c) given as float64 functions.
 */
import type { ConditionalEnvironment } from '../../core/env/condition/conditional-environment.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { allForwardActionLists, forwardBatch, maskedSoftmax } from '../algorithms/enumeration.js';
import { logits64 } from '../algorithms/float64-mlp.js';
import { conditionedBatch } from './helpers.js';

/** The unconditioned 3 x 3 grid. */
export const base = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
/** The three temperatures every trajectory is taken at. */
export const BETAS = [0.5, 1.5, 3.25];
const EXIT = base.nActions - 1;
const lists = allForwardActionLists(base);
/** The action lists of the batch's trajectories: every complete trajectory, once per β of {@link BETAS}. */
export const allLists = BETAS.flatMap(() => lists);
/** β of each trajectory of the batch. */
export const betas = BETAS.flatMap((b) => lists.map(() => b));

/** The batch of every trajectory at each β on `env` (`base` conditioned on β). */
export function everyTrajectoryBatch(env: ConditionalEnvironment): Trajectories {
  return conditionedBatch(env, forwardBatch(base, allLists), betas);
}

/** The `product` observation of a base state at β, by hand: [one-hot, one-hot·log β, one-hot·β, log β, β]. */
export function productObservation(state: Int32Array, beta: number): Float32Array {
  const own = base.encode(state);
  const f = [Math.fround(Math.log(beta)), beta];
  return Float32Array.from([...own, ...Array.from(own, (o) => o * f[0]!), ...Array.from(own, (o) => o * f[1]!), ...f]);
}

/** log Z(c) of each β of {@link BETAS} in float64, from flat parameters of the log Z(c) network (features [log β, β]). */
export function logZ64(logZNet: Mlp, zParams: ArrayLike<number>): Map<number, number> {
  return new Map(BETAS.map((b) => [b, logits64(logZNet, zParams, Float32Array.of(Math.log(b), b), 1)[0]!]));
}

/**
 * The float64 residual of each trajectory of the batch: `logits(s, β)` gives P_F's logits at the
 * base state s under β, `logZ` log Z(c) per β.
 */
export function residuals64(logits: (state: Int32Array, beta: number) => ArrayLike<number>, logZ: Map<number, number>): Float64Array {
  return Float64Array.from(allLists, (acts, i) => {
    const beta = betas[i]!;
    let s: Int32Array = base.s0.slice();
    let residual = logZ.get(beta)!;
    for (const a of acts) {
      residual += Math.log(maskedSoftmax(logits(s, beta), base.forwardMask(s))[a]!);
      if (a === EXIT) break;
      s = base.step(s, Int32Array.of(a));
      // uniform P_B: one over the parents of the state reached
      residual += Math.log(base.backwardMask(s).reduce((x, y) => x + y, 0));
    }
    return residual - beta * base.logReward(s)[0]!;
  });
}

/** The 1/β-weighted mean of squared residuals: conditional TB's loss. */
export function weightedMeanSquare(residuals: Float64Array): number {
  return residuals.reduce((total, r, i) => total + (r * r) / betas[i]!, 0) / residuals.length;
}
