/**
 * REINFORCE with a learned baseline (Williams 1992), the simplest policy-gradient reference:
 * each iteration plays `episodes` complete episodes in lock-step with the current policy, then
 * takes one Adam step on
 *   (1/N) Σ_episodes Σ_t −(G_t − V(s_t)) log π(a_t|s_t)  +  vfCoef · mean_t (G_t − V(s_t))²,
 * G_t = Σ_{k≥t} γ^{k−t} r_k the return-to-go (`core/objectives/gae.ts` with λ = 1). An episode cut by a
 * time limit bootstraps V of its final observation. On a GFlowNet environment (through the Gym
 * adapter) the only reward is log R(x) at exit, so with γ = 1, G_t = log R(x) at every step.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { GymEnv, GymEnvFactory } from '../../core/gym/gym-env.js';
import { boxSize } from '../../core/gym/spaces.js';
import type { SelfCollectedIteration, SelfCollectingObjective } from '../../core/objectives/objective.js';
import { sampleMaskedCategorical, takenLogProbs } from '../../core/policy/categorical.js';
import { generalizedAdvantages } from '../../core/objectives/gae.js';
import type { Rng } from '../../core/base/rng.js';
import { GroupedAdam } from '../../core/tensor/adam.js';
import { readValues } from '../../core/tensor/read.js';

/** Options of {@link Reinforce}. */
export interface ReinforceOptions {
  /** Adam learning rate of the policy. */
  lr: number;
  /** Adam learning rate of the baseline (value network). */
  lrV: number;
  /** Complete episodes per iteration. */
  episodes: number;
  /** Discount γ. */
  gamma: number;
  /** Weight of the baseline's squared error (it has its own parameters, so only its scale matters). */
  vfCoef: number;
  /** Longest episode accepted: a guard against environments that never end. */
  maxEpisodeSteps: number;
}

/** The environment, networks and random stream REINFORCE works with. */
export interface ReinforceParts {
  env: GymEnvFactory;
  policy: Estimator;
  value: Estimator;
  rng: Rng;
  /** Seed of the copies' first reset (copy i gets seed + i). */
  seed: number;
}

/** Padded, time-major episodes (entry t·N + i), as the GAE helper wants them. */
interface Episodes {
  n: number;
  maxSteps: number;
  lengths: Int32Array;
  /** Per step, in time-major order of the valid entries only. */
  observations: Float32Array;
  masks: Uint8Array;
  actions: Int32Array;
  /** Padded rewards, maxSteps x N. */
  rewards: Float64Array;
  /** V of the final observation of truncated episodes, 0 for terminated ones. */
  bootstrap: Float64Array;
  returns: number[];
}

export class Reinforce implements SelfCollectingObjective {
  readonly name = 'reinforce';
  readonly collectsOwnExperience = true;
  private readonly optimizer: GroupedAdam;
  private readonly copies: GymEnv[];
  private readonly obsDim: number;
  private seeded = false;

  constructor(
    private readonly parts: ReinforceParts,
    readonly options: ReinforceOptions,
  ) {
    this.optimizer = new GroupedAdam([
      { name: 'policy', variables: parts.policy.variables, learningRate: options.lr },
      { name: 'value', variables: parts.value.variables, learningRate: options.lrV },
    ]);
    this.copies = Array.from({ length: options.episodes }, () => parts.env.make());
    this.obsDim = boxSize(parts.env.observationSpace);
  }

  iterate(): SelfCollectedIteration {
    const t0 = performance.now();
    const ep = this.play();
    const collectMs = performance.now() - t0;
    const metrics = this.update(ep);
    const lengths = Array.from(ep.lengths);
    return { metrics, experience: { steps: lengths.reduce((a, b) => a + b, 0), episodeReturns: ep.returns, episodeLengths: lengths, collectMs } };
  }

  /** One episode per copy, all copies advancing together; one network call per step on the live ones. */
  private play(): Episodes {
    const { policy, value, rng, seed } = this.parts;
    const n = this.copies.length;
    const d = this.obsDim;
    const nA = this.parts.env.actionSpace.n;
    const current = new Float32Array(n * d);
    const currentMask = new Uint8Array(n * nA).fill(1);
    this.copies.forEach((env, i) => {
      const [obs, info] = env.reset(this.seeded ? {} : { seed: seed + i });
      current.set(obs, i * d);
      if (info.actionMask) currentMask.set(info.actionMask, i * nA);
    });
    this.seeded = true;
    const steps: Array<{ obs: Float32Array; mask: Uint8Array; actions: Int32Array; rewards: Float64Array; live: number[] }> = [];
    const lengths = new Int32Array(n);
    const bootstrap = new Float64Array(n);
    const returns = new Float64Array(n);
    let live = Array.from({ length: n }, (_, i) => i);
    while (live.length > 0) {
      if (steps.length >= this.options.maxEpisodeSteps)
        throw new Error(`reinforce: an episode of '${this.parts.env.name}' exceeded maxEpisodeSteps ${this.options.maxEpisodeSteps}`);
      const obs = new Float32Array(live.length * d);
      const mask = new Uint8Array(live.length * nA);
      live.forEach((i, k) => {
        obs.set(current.subarray(i * d, (i + 1) * d), k * d);
        mask.set(currentMask.subarray(i * nA, (i + 1) * nA), k * nA);
      });
      const logits = readValues(() => policy.predict(tf.tensor2d(obs, [live.length, d])));
      const actions = sampleMaskedCategorical(logits, mask, nA, rng);
      const rewards = new Float64Array(live.length);
      const still: number[] = [];
      const cut: Array<{ i: number; obs: Float32Array }> = [];
      live.forEach((i, k) => {
        const [o, r, terminated, truncated, info] = this.copies[i]!.step(actions[k]!);
        rewards[k] = r;
        returns[i]! += r;
        lengths[i]! += 1;
        if (terminated) return;
        if (truncated) cut.push({ i, obs: o });
        else {
          still.push(i);
          current.set(o, i * d);
          currentMask.fill(1, i * nA, (i + 1) * nA);
          if (info.actionMask) currentMask.set(info.actionMask, i * nA);
        }
      });
      if (cut.length > 0) {
        const finals = new Float32Array(cut.length * d);
        cut.forEach((c, k) => finals.set(c.obs, k * d));
        const v = readValues(() => value.predict(tf.tensor2d(finals, [cut.length, d])));
        cut.forEach((c, k) => (bootstrap[c.i] = v[k]!));
      }
      steps.push({ obs, mask, actions, rewards, live });
      live = still;
    }
    const T = steps.length;
    const paddedRewards = new Float64Array(T * n);
    steps.forEach((s, t) => s.live.forEach((i, k) => (paddedRewards[t * n + i] = s.rewards[k]!)));
    const concat = <A extends Float32Array | Uint8Array | Int32Array>(parts: A[], make: (len: number) => A): A => {
      const out = make(parts.reduce((a, p) => a + p.length, 0));
      let off = 0;
      for (const p of parts) {
        out.set(p, off);
        off += p.length;
      }
      return out;
    };
    return {
      n,
      maxSteps: T,
      lengths,
      observations: concat(
        steps.map((s) => s.obs),
        (l) => new Float32Array(l),
      ),
      masks: concat(
        steps.map((s) => s.mask),
        (l) => new Uint8Array(l),
      ),
      actions: concat(
        steps.map((s) => s.actions),
        (l) => new Int32Array(l),
      ),
      rewards: paddedRewards,
      bootstrap,
      returns: Array.from(returns),
    };
  }

  /** One Adam step on the REINFORCE loss with the baseline's pre-update values. */
  private update(ep: Episodes): Record<string, number> {
    const { policy, value } = this.parts;
    const m = ep.actions.length;
    const x = () => tf.tensor2d(ep.observations, [m, this.obsDim]);
    const v = readValues(() => value.predict(x()));
    // valid entries of the padded T x N layout in the order the steps were stored (time-major, live copies ascending)
    const padded = new Float64Array(ep.maxSteps * ep.n);
    const order: number[] = [];
    for (let t = 0, k = 0; t < ep.maxSteps; t++) {
      for (let i = 0; i < ep.n; i++) {
        if (t < ep.lengths[i]!) {
          padded[t * ep.n + i] = v[k++]!;
          order.push(t * ep.n + i);
        }
      }
    }
    const { targets } = generalizedAdvantages({
      nTraj: ep.n,
      maxSteps: ep.maxSteps,
      lengths: ep.lengths,
      rewards: ep.rewards,
      values: padded,
      gamma: this.options.gamma,
      lambda: 1,
      bootstrapValues: ep.bootstrap,
    });
    const returnsToGo = Float32Array.from(order, (k) => targets[k]!);
    const advantages = Float32Array.from(order, (k, j) => targets[k]! - v[j]!);
    let parts: tf.Tensor | undefined;
    const loss = this.optimizer.minimize(() => {
      const obs = x();
      const logp = takenLogProbs(policy.apply(obs), ep.masks, ep.actions);
      const policyLoss = tf.div(tf.neg(tf.sum(tf.mul(tf.tensor1d(advantages), logp))), ep.n);
      const valueLoss = tf.mean(tf.square(tf.sub(tf.tensor1d(returnsToGo), tf.reshape(value.apply(obs), [m]))));
      parts = tf.keep(tf.stack([policyLoss, valueLoss]));
      return tf.add(policyLoss, tf.mul(this.options.vfCoef, valueLoss)) as tf.Scalar;
    });
    const [policyLoss, valueLoss] = Array.from(parts!.dataSync());
    parts!.dispose();
    return { loss, policyLoss: policyLoss!, valueLoss: valueLoss! };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.parts.value.dispose();
  }
}
