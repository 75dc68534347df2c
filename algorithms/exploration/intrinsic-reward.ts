/**
 * Intrinsic-reward exploration in the style of GAFN (Pan et al. 2023, "Generative Augmented Flow
 * Networks"): every edge s_t → s_{t+1} of a trajectory carries an intrinsic reward
 * r_t = β_k · novelty(s_{t+1}) (random network distillation, see rnd.ts), and the flow of a
 * trajectory is augmented by them. For trajectory balance this is GAFN's trajectory-level form,
 *   Z · P_F(τ) = (R(x) + Σ_t r_t) · P_B(τ|x),
 * so the wrapped objective is trained on log R̃(τ) = log(R(x) + Σ_t r_t) in place of log R(x).
 * DB and SubTB get the same augmented target at the exit (the trajectory's intrinsic rewards are
 * credited where its reward is), a simplification of GAFN's per-edge form that keeps their
 * log-linear balance residuals.
 *
 * β_k = weight · max(0, 1 − k / decayIterations) at iteration k (constant when decayIterations = 0),
 * and novelty itself decays on the states the predictor has been trained on, so the augmentation
 * fades and the objective's fixed point is again R. After each update the predictor takes one step
 * on the batch's visited states.
 */
import type { Environment } from '../../core/env/environment.js';
import type { Objective, ObjectiveStateParts, TrainingBatch } from '../../core/objectives/objective.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import type { RandomNetworkDistillation } from './rnd.js';

/** Options of {@link IntrinsicRewardObjective}. */
export interface IntrinsicRewardOptions {
  /** β before any update (the schedule is indexed by updates completed). */
  weight: number;
  /** Iterations over which β decays linearly to 0; 0 = constant. */
  decayIterations: number;
}

/** β at `iteration`. */
export function intrinsicWeightAt(options: IntrinsicRewardOptions, iteration: number): number {
  if (options.decayIterations <= 0) return options.weight;
  return options.weight * Math.max(0, 1 - iteration / options.decayIterations);
}

/** Wraps a balance objective (TB, DB, SubTB) and trains it on intrinsically augmented rewards. */
export class IntrinsicRewardObjective implements Objective {
  readonly name: string;
  /** The wrapped objective's log Z estimate (absent when it has none). */
  readonly logZ?: () => number;
  /** The wrapped objective's P_B (absent when it has none). */
  readonly backwardPolicy?: () => BackwardPolicy;

  constructor(
    private readonly env: Environment,
    private readonly inner: Objective,
    private readonly rnd: RandomNetworkDistillation,
    private readonly options: IntrinsicRewardOptions,
  ) {
    this.name = inner.name;
    if (inner.logZ) this.logZ = () => inner.logZ!();
    if (inner.backwardPolicy) this.backwardPolicy = () => inner.backwardPolicy!();
  }

  /** The batch with log R̃(τ) = log(R(x) + β Σ_t novelty(s_{t+1})) over its non-exit steps. */
  augment(batch: Trajectories, beta: number): { batch: Trajectories; meanBonus: number } {
    const { states: reached, owner } = reachedStates(batch, this.env.nActions - 1);
    const bonus = new Float64Array(batch.nTraj);
    if (owner.length > 0) {
      const nov = this.rnd.novelty(reached);
      owner.forEach((i, m) => (bonus[i]! += beta * nov[m]!));
    }
    // log(R + b) = log R + log1p(b / R), stable for tiny R and for R = 0 (log R = −∞)
    const logR = batch.logRewards.map((l, i) => (bonus[i]! > 0 ? (l === -Infinity ? Math.log(bonus[i]!) : l + Math.log1p(bonus[i]! / Math.exp(l))) : l));
    const augmented = new Trajectories(batch.direction, batch.nTraj, batch.maxSteps, batch.stateDim, batch.states, batch.actions, batch.lengths, logR);
    return { batch: augmented, meanBonus: bonus.reduce((a, b) => a + b, 0) / Math.max(1, batch.nTraj) };
  }

  update(batch: TrainingBatch): Record<string, number> {
    // schedules are indexed by the updates completed before this one (as the sampler's and rl's)
    const beta = intrinsicWeightAt(this.options, batch.iteration - 1);
    const { batch: augmented, meanBonus } = beta > 0 ? this.augment(batch.forward, beta) : { batch: batch.forward, meanBonus: 0 };
    const metrics = this.inner.update({ ...batch, forward: augmented });
    const rndLoss = this.rnd.train(reachedStates(batch.forward, this.env.nActions - 1).states);
    return { ...metrics, intrinsicWeight: beta, intrinsicBonus: meanBonus, rndLoss };
  }

  /** The wrapped objective's parts plus the RND networks and the predictor's Adam state. */
  checkpointParts(): ObjectiveStateParts {
    const parts = this.inner.checkpointParts?.();
    if (!parts) throw new Error(`objective '${this.inner.name}' has no checkpoint parts`);
    return {
      variables: [...parts.variables, ...this.rnd.variables],
      optimizers: { ...parts.optimizers, rnd: this.rnd.optimizer },
      extra: { ...(parts.extra ?? {}), rnd: this.rnd },
    };
  }

  dispose(): void {
    this.inner.dispose();
    this.rnd.dispose();
  }
}

/** Every state a forward batch reaches after s0 (the next state of each non-exit step) and its trajectory. */
function reachedStates(batch: Trajectories, exit: number): { states: Int32Array; owner: number[] } {
  const states: number[] = [];
  const owner: number[] = [];
  for (let i = 0; i < batch.nTraj; i++) {
    for (let t = 0; t < batch.lengths[i]!; t++) {
      if (batch.action(t, i) === exit) continue;
      states.push(...batch.state(t + 1, i));
      owner.push(i);
    }
  }
  return { states: Int32Array.from(states), owner };
}
