/**
 * Where a learned log Z starts. With `auto`, log Z is set before the first gradient step to the
 * importance-sampling estimate of the first training batch under the untrained policy,
 *
 *   log Ẑ = log (1/N) Σ_i exp( max(log R(x_i), clip) − log P_F(τ_i) + log P_B(τ_i | x_i) ),
 *
 * whose exponent has expectation Z under τ ~ P_F. Why: log Z moves by about its learning rate per
 * step, so a run whose log Z starts at 0 while the true value is ~80 spends hundreds of
 * iterations climbing and the policy learns from a wrong offset meanwhile.
 */
import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import type { Environment } from '../env/environment.js';
import type { Estimator } from '../tensor/estimator.js';
import { selectTrajectories } from '../sampling/batch-ops.js';
import type { Trajectories } from '../sampling/trajectories.js';
import { gatherTransitions, selectRows } from '../sampling/transitions.js';
import { readValues } from '../tensor/read.js';
import type { BackwardPolicy } from '../policy/backward.js';
import { forwardLogProbs } from '../policy/forward.js';
import { clippedLogRewards } from '../policy/log-reward.js';

/** How a learned log Z starts: a number, or `auto` (estimated from the first training batch). */
export type LogZInit = number | 'auto';

/** The value a log Z variable is created with: the number, or 0 until `auto` replaces it. */
export function initialLogZValue(setting: LogZInit): number {
  return setting === 'auto' ? 0 : setting;
}

/**
 * Per-trajectory log-weights w_i = max(log R(x_i), clip) − Σ_t log P_F(a_t|s_t) + Σ_t log P_B(s_t|s_{t+1})
 * of a forward batch (P_F over every step, exit included; P_B over the non-exit steps), with the
 * same network calls and clipping the balance losses use. No gradient; float64 sums.
 */
export function trajectoryLogWeights(env: Environment, forward: Estimator, backward: BackwardPolicy, batch: Trajectories, logRewardClip: number): Float64Array {
  const tr = gatherTransitions(batch, env.nActions - 1);
  const w = Float64Array.from(clippedLogRewards(batch.logRewards, logRewardClip));
  if (tr.count === 0) return w;
  const lpf = readValues(() => forwardLogProbs(env, forward, tr.states, tr.actions));
  for (let m = 0; m < tr.count; m++) w[tr.traj[m]!]! -= lpf[m]!;
  const nonExit: number[] = [];
  for (let m = 0; m < tr.count; m++) if (!tr.isExit[m]) nonExit.push(m);
  if (nonExit.length > 0) {
    const lpb = readValues(() => backward.logProbs(selectRows(tr.nextStates, env.stateDim, nonExit), selectRows(tr.actions, 1, nonExit)));
    nonExit.forEach((m, k) => (w[tr.traj[m]!]! += lpb[k]!));
  }
  return w;
}

/** log((1/N) Σ exp w_i), stable for any magnitude. */
export function logMeanExp(w: ArrayLike<number>): number {
  if (w.length === 0) throw new Error('logMeanExp: no values');
  let max = -Infinity;
  for (let i = 0; i < w.length; i++) max = Math.max(max, w[i]!);
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < w.length; i++) s += Math.exp(w[i]! - max);
  return max + Math.log(s) - Math.log(w.length);
}

/** What {@link LogZInitialiser.apply} needs to estimate log Z from a batch. */
export interface LogZEstimateParts {
  env: Environment;
  forward: Estimator;
  backward: BackwardPolicy;
  logRewardClip: number;
}

/** Where {@link LogZInitialiser.apply} puts its estimate: a learned log Z (`learned-log-z.ts`). */
export interface InitialLogZTarget {
  /** Sets log Z to `value` for every condition; returns the value stored (float32). */
  assignInitial(value: number): number;
}

/**
 * The first-update step of a learned log Z, and the checkpointed fact that it has happened (a
 * resumed run must not estimate again from a later, better policy's batch).
 */
export class LogZInitialiser implements Checkpointable {
  private initialised = false;

  constructor(readonly setting: LogZInit) {}

  /** True once the first update has set (or kept) the initial value. */
  get done(): boolean {
    return this.initialised;
  }

  /**
   * Before the objective's first gradient step: with `auto`, assigns to `logZ` the estimate from
   * the first `fresh` trajectories of `batch` (the sampler's own draws; locally searched or
   * replayed ones that follow are not samples of P_F). Returns `{ logZInit }` — the value the run
   * starts from, a number's too — on that first update and `{}` afterwards.
   */
  apply(logZ: InitialLogZTarget, batch: Trajectories, fresh: number | undefined, parts: LogZEstimateParts): Record<string, number> {
    if (this.initialised) return {};
    this.initialised = true;
    if (this.setting !== 'auto') return { logZInit: this.setting };
    const n = Math.min(fresh ?? batch.nTraj, batch.nTraj);
    if (n === 0) throw new Error('logZInit auto: the first training batch has no freshly sampled trajectory to estimate log Z from');
    const own =
      n === batch.nTraj
        ? batch
        : selectTrajectories(
            batch,
            Array.from({ length: n }, (_, i) => i),
          );
    const estimate = logMeanExp(trajectoryLogWeights(parts.env, parts.forward, parts.backward, own, parts.logRewardClip));
    if (!Number.isFinite(estimate))
      throw new Error(
        `logZInit auto: the estimate from the first batch is ${estimate} (every trajectory has log R = −∞ or log P_F = −∞); set logZInit to a number`,
      );
    // float32, as the variable stores it: the metric is then the exact starting value
    return { logZInit: logZ.assignInitial(estimate) };
  }

  saveState(): StateRecord {
    return { initialised: this.initialised };
  }

  loadState(state: StateRecord): void {
    if (typeof state.initialised !== 'boolean')
      throw new Error(`checkpoint: log Z initialiser state 'initialised' = ${JSON.stringify(state.initialised)} is not a boolean`);
    this.initialised = state.initialised;
  }

  /** A checkpoint from before this state existed: its run had started from a number, and trained. */
  loadMissing(): void {
    this.initialised = true;
  }
}
