import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Info } from '../../core/gym/gym-env.js';
import type { VectorEnv } from '../../core/gym/vector-env.js';
import { maskedLogProbsOf, sampleMaskedCategorical } from '../../core/policy/categorical.js';
import { generalizedAdvantages } from '../../core/objectives/gae.js';
import type { Rng } from '../../core/base/rng.js';
import { readValues } from '../../core/tensor/read.js';

/** How a step ended its episode segment. */
const CONTINUES = 0;
const TERMINATED = 1;
const TRUNCATED = 2;

/**
 * A fixed number of steps of N environment copies, stored step-major: row k = t·N + e is copy e's
 * t-th step of the rollout. Episodes may start and end anywhere inside it.
 */
export interface Rollout {
  readonly nSteps: number;
  readonly nEnvs: number;
  readonly obsDim: number;
  readonly nActions: number;
  /** Observations the actions were chosen in, rows x obsDim. */
  readonly observations: Float32Array;
  /** Allowed actions in those observations, rows x nActions. */
  readonly masks: Uint8Array;
  readonly actions: Int32Array;
  /** log π(a|s) of the sampling policy. */
  readonly logProbs: Float32Array;
  /** V(s) of the sampling-time value network. */
  readonly values: Float32Array;
  readonly rewards: Float64Array;
  /** GAE(γ, λ) advantages. */
  readonly advantages: Float64Array;
  /** Value targets: the λ-returns A + V (the Stable-Baselines3 convention). */
  readonly returns: Float64Array;
  /** Undiscounted return and length of each episode that finished during the rollout, in finishing order. */
  readonly episodeReturns: number[];
  readonly episodeLengths: number[];
}

/**
 * Runs the current policy on a {@link VectorEnv} for `nSteps` steps at a time, keeping the copies'
 * episodes going across calls (an episode cut by the end of a rollout continues in the next one,
 * as in Stable-Baselines3). Actions are sampled from the masked softmax of the policy's logits;
 * one network call per step for all copies, policy and value together.
 */
export class RolloutCollector {
  private observations?: Float32Array;
  private masks?: Uint8Array;

  constructor(
    readonly vec: VectorEnv,
    private readonly policy: Estimator,
    private readonly value: Estimator,
    private readonly rng: Rng,
    /** Seed of the first reset (copy i gets seed + i). */
    private readonly seed: number,
  ) {}

  /** Collects `nSteps` steps per copy and computes advantages with discount γ and GAE λ. */
  collect(nSteps: number, gamma: number, lambda: number): Rollout {
    const { vec } = this;
    const n = vec.n;
    const d = vec.obsDim;
    const nA = vec.actionSpace.n;
    if (!this.observations || !this.masks) {
      const [obs, infos] = vec.reset({ seed: this.seed });
      this.observations = obs;
      this.masks = vec.actionMasks(infos);
    }
    const rows = nSteps * n;
    const observations = new Float32Array(rows * d);
    const masks = new Uint8Array(rows * nA);
    const actions = new Int32Array(rows);
    const logProbs = new Float32Array(rows);
    const values = new Float32Array(rows);
    const rewards = new Float64Array(rows);
    const ends = new Uint8Array(rows);
    // V(final observation) of truncated episodes, bootstrapped in the advantages
    const truncationValues = new Float32Array(rows);
    const episodeReturns: number[] = [];
    const episodeLengths: number[] = [];
    for (let t = 0; t < nSteps; t++) {
      const obs = this.observations;
      const mask = this.masks;
      const { logits, v } = this.evaluate(obs, n, nA);
      const chosen = sampleMaskedCategorical(logits, mask, nA, this.rng);
      const base = t * n;
      observations.set(obs, base * d);
      masks.set(mask, base * nA);
      actions.set(chosen, base);
      logProbs.set(maskedLogProbsOf(logits, mask, nA, chosen), base);
      values.set(v, base);
      const [next, r, terminated, truncated, infos] = vec.step(chosen);
      rewards.set(r, base);
      const cut: number[] = [];
      for (let e = 0; e < n; e++) {
        const info = infos[e]!;
        if (info.episode) {
          episodeReturns.push(info.episode.return);
          episodeLengths.push(info.episode.length);
        }
        if (terminated[e]) ends[base + e] = TERMINATED;
        else if (truncated[e]) {
          ends[base + e] = TRUNCATED;
          cut.push(e);
        }
      }
      if (cut.length > 0) this.truncationValues(cut, infos, truncationValues, base);
      this.observations = next;
      this.masks = vec.actionMasks(infos);
    }
    const lastValues = readValues(() => this.value.predict(tf.tensor2d(this.observations!, [n, d])));
    const { advantages, returns } = segmentAdvantages({ nSteps, nEnvs: n, rewards, values, ends, truncationValues, lastValues, gamma, lambda });
    return {
      nSteps,
      nEnvs: n,
      obsDim: d,
      nActions: nA,
      observations,
      masks,
      actions,
      logProbs,
      values,
      rewards,
      advantages,
      returns,
      episodeReturns,
      episodeLengths,
    };
  }

  /** Policy logits and values of `n` observations in one call. */
  private evaluate(obs: Float32Array, n: number, nA: number): { logits: Float32Array; v: Float32Array } {
    const out = readValues(() => {
      const x = tf.tensor2d(obs, [n, this.vec.obsDim]);
      return tf.concat([this.policy.predict(x), this.value.predict(x)], 1);
    });
    const logits = new Float32Array(n * nA);
    const v = new Float32Array(n);
    for (let e = 0; e < n; e++) {
      logits.set(out.subarray(e * (nA + 1), e * (nA + 1) + nA), e * nA);
      v[e] = out[e * (nA + 1) + nA]!;
    }
    return { logits, v };
  }

  /** V of the final observations of the copies in `cut`, written at their rows of this step. */
  private truncationValues(cut: number[], infos: readonly Info[], out: Float32Array, base: number): void {
    const d = this.vec.obsDim;
    const finals = new Float32Array(cut.length * d);
    cut.forEach((e, k) => finals.set(infos[e]!.final!.observation, k * d));
    const v = readValues(() => this.value.predict(tf.tensor2d(finals, [cut.length, d])));
    cut.forEach((e, k) => (out[base + e] = v[k]!));
  }
}

/** Inputs of {@link segmentAdvantages}, step-major (row t·nEnvs + e). */
export interface SegmentInput {
  nSteps: number;
  nEnvs: number;
  rewards: ArrayLike<number>;
  values: ArrayLike<number>;
  /** 0: the episode continues after the step; 1: terminated; 2: truncated. */
  ends: Uint8Array;
  /** V(final observation) at the rows of truncating steps. */
  truncationValues: ArrayLike<number>;
  /** V of each copy's observation after the rollout's last step. */
  lastValues: ArrayLike<number>;
  gamma: number;
  lambda: number;
}

/**
 * GAE over a step-major rollout, with `core/objectives/gae.ts` on each episode segment of each copy:
 * a segment ends where its episode terminates (nothing bootstrapped), is truncated (V of the final
 * observation bootstrapped) or where the rollout ends (V of the next observation bootstrapped).
 * Returns the advantages and the value targets A + V.
 */
export function segmentAdvantages(input: SegmentInput): { advantages: Float64Array; returns: Float64Array } {
  const { nSteps, nEnvs: n, rewards, values, ends, truncationValues, lastValues, gamma, lambda } = input;
  const advantages = new Float64Array(nSteps * n);
  const returns = new Float64Array(nSteps * n);
  for (let e = 0; e < n; e++) {
    let start = 0;
    for (let t = 0; t < nSteps; t++) {
      const k = t * n + e;
      const end = ends[k]!;
      if (end === CONTINUES && t < nSteps - 1) continue;
      const bootstrap = end === TERMINATED ? 0 : end === TRUNCATED ? truncationValues[k]! : lastValues[e]!;
      const len = t - start + 1;
      const segRewards = Float64Array.from({ length: len }, (_, j) => rewards[(start + j) * n + e]!);
      const segValues = Float64Array.from({ length: len }, (_, j) => values[(start + j) * n + e]!);
      const out = generalizedAdvantages({
        nTraj: 1,
        maxSteps: len,
        lengths: [len],
        rewards: segRewards,
        values: segValues,
        gamma,
        lambda,
        bootstrapValues: [bootstrap],
      });
      for (let j = 0; j < len; j++) {
        const row = (start + j) * n + e;
        advantages[row] = out.advantages[j]!;
        returns[row] = out.advantages[j]! + segValues[j]!;
      }
      start = t + 1;
    }
  }
  return { advantages, returns };
}
