/**
 * Proximal policy optimisation (Schulman et al. 2017), the classic RL baseline, with the defaults
 * of Stable-Baselines3 for classic control: each iteration collects `nSteps` steps from each of
 * `nEnvs` environment copies with the current policy, computes GAE(γ, λ) advantages, then runs
 * `epochs` passes of shuffled minibatches over the clipped-surrogate loss + value loss − entropy
 * bonus, with advantages normalised per minibatch, the global gradient norm clipped, and one Adam
 * (ε = 1e-5) over the policy and value networks.
 *
 * The policy network is the run's forward estimator, so on a GFlowNet environment (through the
 * Gym adapter) the exact evaluator measures the distribution PPO's policy samples. There the reward
 * is log R(x) at exit: PPO maximises it, and is expected to collapse onto the highest modes rather
 * than sample R/Z — the contrast the GFlowNet objectives are measured against.
 *
 * Differences from Stable-Baselines3 worth knowing: layers use this project's uniform (PyTorch
 * default) initialisation, not orthogonal; the policy and value networks never share a trunk.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { GymEnvFactory } from '../../core/gym/gym-env.js';
import { VectorEnv } from '../../core/gym/vector-env.js';
import type { SelfCollectedIteration, SelfCollectingObjective } from '../../core/objectives/objective.js';
import type { Rng } from '../../core/base/rng.js';
import { HostAdam } from '../../core/tensor/host-adam.js';
import { type PpoLossOptions, ppoLoss } from './ppo-loss.js';
import { type Rollout, RolloutCollector } from './rollout.js';

/** Options of {@link Ppo} (Stable-Baselines3 names in parentheses). */
export interface PpoOptions extends PpoLossOptions {
  /** Adam learning rate (learning_rate), 3e-4. */
  lr: number;
  /** Steps per copy per iteration (n_steps), 2048. */
  nSteps: number;
  /** Environment copies stepped together (n_envs), 1. */
  nEnvs: number;
  /** Minibatch size (batch_size), 64. */
  minibatchSize: number;
  /** Passes over each rollout (n_epochs), 10. */
  epochs: number;
  /** Discount γ (gamma): 0.99 on classic environments; the plugin uses 1 on GFlowNet environments. */
  gamma: number;
  /** GAE λ (gae_lambda), 0.95. */
  lambda: number;
  /** Global gradient-norm limit (max_grad_norm), 0.5. */
  maxGradNorm: number;
  /** Adam ε, 1e-5 (Stable-Baselines3's PPO passes this to its Adam). */
  adamEpsilon: number;
}

/** The environment, networks and random stream PPO works with (built by its plugin factory). */
export interface PpoParts {
  env: GymEnvFactory;
  /** The policy: logits over the actions (the run's forward estimator). */
  policy: Estimator;
  /** The value network V(s), one output. */
  value: Estimator;
  /** Action sampling and minibatch shuffling. */
  rng: Rng;
  /** Seed of the environment copies' first reset. */
  seed: number;
}

/** Metrics averaged over one iteration's minibatches. */
const MINIBATCH_METRICS = ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradNorm'] as const;

export class Ppo implements SelfCollectingObjective {
  readonly name = 'ppo';
  readonly collectsOwnExperience = true;
  private readonly optimizer: HostAdam;
  private readonly collector: RolloutCollector;

  constructor(
    private readonly parts: PpoParts,
    readonly options: PpoOptions,
  ) {
    const { env, policy, value } = parts;
    if (policy.inputDim !== value.inputDim || policy.outputDim !== env.actionSpace.n || value.outputDim !== 1) {
      throw new Error(
        `ppo: networks do not fit the environment (policy ${policy.inputDim}→${policy.outputDim}, value ${value.inputDim}→${value.outputDim}, ${env.actionSpace.n} actions)`,
      );
    }
    // one optimiser over both networks, so gradient clipping sees one global norm (as in Stable-Baselines3)
    this.optimizer = new HostAdam([...policy.variables, ...value.variables], { learningRate: options.lr, epsilon: options.adamEpsilon });
    this.collector = new RolloutCollector(new VectorEnv(env, options.nEnvs), policy, value, parts.rng, parts.seed);
  }

  iterate(): SelfCollectedIteration {
    const t0 = performance.now();
    const rollout = this.collector.collect(this.options.nSteps, this.options.gamma, this.options.lambda);
    const collectMs = performance.now() - t0;
    const metrics = this.train(rollout);
    return {
      metrics,
      experience: { steps: rollout.nSteps * rollout.nEnvs, episodeReturns: rollout.episodeReturns, episodeLengths: rollout.episodeLengths, collectMs },
    };
  }

  /** `epochs` passes of shuffled minibatches over `rollout`; returns the mean of each loss part and the explained variance. */
  train(rollout: Rollout): Record<string, number> {
    const rows = rollout.nSteps * rollout.nEnvs;
    const sums = new Float64Array(MINIBATCH_METRICS.length);
    let count = 0;
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      shuffle(order, this.parts.rng);
      for (let start = 0; start < rows; start += this.options.minibatchSize) {
        const parts = this.step(rollout, order.subarray(start, Math.min(rows, start + this.options.minibatchSize)));
        parts.forEach((v, k) => (sums[k]! += v));
        count++;
      }
    }
    const metrics: Record<string, number> = {};
    MINIBATCH_METRICS.forEach((name, k) => (metrics[name] = sums[k]! / count));
    metrics.explainedVariance = explainedVariance(rollout.values, rollout.returns);
    return metrics;
  }

  /** One clipped Adam step on the minibatch `rows`; returns the values of {@link MINIBATCH_METRICS}. */
  private step(r: Rollout, rows: Int32Array): number[] {
    const { policy, value } = this.parts;
    const m = rows.length;
    const obs = new Float32Array(m * r.obsDim);
    const masks = new Uint8Array(m * r.nActions);
    const actions = new Int32Array(m);
    const oldLogProbs = new Float32Array(m);
    const advantages = new Float64Array(m);
    const returns = new Float64Array(m);
    rows.forEach((row, k) => {
      obs.set(r.observations.subarray(row * r.obsDim, (row + 1) * r.obsDim), k * r.obsDim);
      masks.set(r.masks.subarray(row * r.nActions, (row + 1) * r.nActions), k * r.nActions);
      actions[k] = r.actions[row]!;
      oldLogProbs[k] = r.logProbs[row]!;
      advantages[k] = r.advantages[row]!;
      returns[k] = r.returns[row]!;
    });
    let parts: tf.Tensor | undefined;
    const { value: total, grads } = tf.variableGrads(() => {
      const x = tf.tensor2d(obs, [m, r.obsDim]);
      const terms = ppoLoss(
        { logits: policy.apply(x), values: tf.reshape(value.apply(x), [m]) as tf.Tensor1D, masks, actions, oldLogProbs, advantages, returns },
        this.options,
      );
      parts = tf.keep(tf.stack([terms.total, terms.policy, terms.value, terms.entropy, terms.approxKl, terms.clipFraction]));
      return terms.total;
    }, [...this.optimizer.variables]);
    const gradNorm = this.optimizer.applyGradients(grads, this.options.maxGradNorm);
    total.dispose();
    const values = Array.from(parts!.dataSync());
    parts!.dispose();
    return [...values, gradNorm];
  }

  dispose(): void {
    this.parts.value.dispose();
  }
}

/** Fisher–Yates shuffle in place. */
function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** 1 − Var(returns − values) / Var(returns): how much of the targets the value network explains (NaN-free: 0 when Var = 0). */
function explainedVariance(values: ArrayLike<number>, returns: ArrayLike<number>): number {
  const n = returns.length;
  let mr = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i]!;
    md += returns[i]! - values[i]!;
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i]! - mr) ** 2;
    vd += (returns[i]! - values[i]! - md) ** 2;
  }
  return vr === 0 ? 0 : 1 - vd / vr;
}
