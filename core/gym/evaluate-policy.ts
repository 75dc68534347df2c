import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from '../tensor/estimator.js';
import { sampleMaskedCategorical } from '../policy/categorical.js';
import { Rng } from '../base/rng.js';
import { readValues } from '../tensor/read.js';
import type { GymEnvFactory } from './gym-env.js';
import { boxSize } from './spaces.js';

/** Options of {@link evaluatePolicy}. */
export interface PolicyEvaluationOptions {
  /** Number of episodes. */
  episodes: number;
  /** Episode i starts from `reset({ seed: seed + i })`; sampled actions use a stream seeded from it too. */
  seed: number;
  /** Take the most probable allowed action (as Stable-Baselines3's `deterministic=True`) instead of sampling. */
  greedy: boolean;
}

/**
 * Plays complete episodes with a categorical policy (logits from `policy`, masked by
 * `info.actionMask`) on fresh copies of the environment, all episodes in lock-step with one network
 * call per step; returns each episode's undiscounted return and length. Nothing is trained.
 */
export function evaluatePolicy(factory: GymEnvFactory, policy: Estimator, options: PolicyEvaluationOptions): { returns: number[]; lengths: number[] } {
  const n = options.episodes;
  const d = boxSize(factory.observationSpace);
  const nA = factory.actionSpace.n;
  const rng = new Rng(options.seed ^ 0x51ed270b);
  const envs = Array.from({ length: n }, () => factory.make());
  const obs = new Float32Array(n * d);
  const masks = new Uint8Array(n * nA).fill(1);
  envs.forEach((env, i) => {
    const [o, info] = env.reset({ seed: options.seed + i });
    obs.set(o, i * d);
    if (info.actionMask) masks.set(info.actionMask, i * nA);
  });
  const returns = new Array<number>(n).fill(0);
  const lengths = new Array<number>(n).fill(0);
  let live = Array.from({ length: n }, (_, i) => i);
  while (live.length > 0) {
    const x = new Float32Array(live.length * d);
    const m = new Uint8Array(live.length * nA);
    live.forEach((i, k) => {
      x.set(obs.subarray(i * d, (i + 1) * d), k * d);
      m.set(masks.subarray(i * nA, (i + 1) * nA), k * nA);
    });
    const logits = readValues(() => policy.predict(tf.tensor2d(x, [live.length, d])));
    const actions = options.greedy ? greedyActions(logits, m, nA) : sampleMaskedCategorical(logits, m, nA, rng);
    const still: number[] = [];
    live.forEach((i, k) => {
      const [o, r, terminated, truncated, info] = envs[i]!.step(actions[k]!);
      returns[i]! += r;
      lengths[i]! += 1;
      if (terminated || truncated) return;
      still.push(i);
      obs.set(o, i * d);
      masks.fill(1, i * nA, (i + 1) * nA);
      if (info.actionMask) masks.set(info.actionMask, i * nA);
    });
    live = still;
  }
  return { returns, lengths };
}

/** The allowed action of largest logit in each row (the lowest index on ties). */
function greedyActions(logits: Float32Array, mask: Uint8Array, nA: number): Int32Array {
  const rows = mask.length / nA;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = -1;
    for (let a = 0; a < nA; a++) if (mask[r * nA + a] && (best < 0 || logits[r * nA + a]! > logits[r * nA + best]!)) best = a;
    if (best < 0) throw new Error(`no allowed action in row ${r}`);
    out[r] = best;
  }
  return out;
}
