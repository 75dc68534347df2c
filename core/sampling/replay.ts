import { Type } from 'typebox';
import type { Rng } from '../base/rng.js';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import type { Trajectories } from './trajectories.js';

/** What a replay buffer keeps and how it draws (`none` = no buffer). */
export const REPLAY_KINDS = ['none', 'uniform', 'prioritized', 'terminal'] as const;
export type ReplayKind = (typeof REPLAY_KINDS)[number];

/** Schema of the `replay` config section. */
export const REPLAY_SCHEMA = Defaulted(
  Type.Object(
    {
      /**
       * `uniform` / `prioritized`: complete forward trajectories, drawn uniformly or with
       * P(i) ∝ R(x_i)^α; `terminal`: terminal states and their log R, replayed as fresh backward walks.
       */
      kind: Defaulted(Type.Enum(REPLAY_KINDS, { description: 'what the buffer keeps and how it draws' }), 'none'),
      /** Most items kept; the oldest is evicted first. */
      capacity: Defaulted(Type.Integer({ minimum: 1, description: 'most items kept; the oldest is evicted first' }), 10000),
      /** Fraction of each training batch drawn from the buffer, in [0, 1). */
      ratio: Defaulted(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'fraction of each batch drawn from the buffer' }), 0.5),
      /** α of prioritized replay. */
      priorityExponent: Defaulted(Type.Number({ minimum: 0, description: 'α of prioritized replay: P(i) ∝ R(x_i)^α' }), 1),
    },
    { additionalProperties: false },
  ),
  {},
);

/** The `replay` section of the run config. */
export type ReplayConfig = Resolved<typeof REPLAY_SCHEMA>;

/** How a buffer picks items: uniformly, or with P(i) ∝ exp(α · log R_i). */
export type ReplayDraw = { kind: 'uniform' } | { kind: 'prioritized'; exponent: number };

/**
 * A store of past training data that hands back forward trajectories for off-policy objectives
 * (whose training log-probabilities are recomputed under the current parameters, so any behaviour
 * distribution with full support is valid).
 */
export interface ReplayBuffer {
  /** Items stored now (≤ capacity). */
  readonly size: number;
  /** Most items kept. */
  readonly capacity: number;
  /** Stores the trajectories of a forward batch (evicting the oldest beyond capacity). */
  add(batch: Trajectories): void;
  /** `n` forward trajectories drawn independently, with replacement, from the stored items. */
  sample(n: number): Trajectories;
}

/**
 * Replayed trajectories in a training batch of `batchSize`: round(ratio · batchSize), or 0
 * without a buffer. The rest of the batch is sampled fresh.
 */
export function replayCount(replay: ReplayConfig, batchSize: number): number {
  return replay.kind === 'none' ? 0 : Math.round(replay.ratio * batchSize);
}

/**
 * `n` indices in [0, size) drawn independently: uniformly, or with P(i) ∝ exp(α · logR[i]).
 * Priorities are shifted by their maximum before exponentiating so that large log-rewards do not
 * overflow; items with log R = −∞ are never drawn unless every item has it (then: uniform).
 */
export function drawIndices(draw: ReplayDraw, logRewards: Float64Array, size: number, n: number, rng: Rng): Int32Array {
  if (size <= 0) throw new Error('replay buffer: cannot draw from an empty buffer');
  const out = new Int32Array(n);
  let max = -Infinity;
  if (draw.kind === 'prioritized') for (let i = 0; i < size; i++) max = Math.max(max, draw.exponent * logRewards[i]!);
  if (draw.kind === 'uniform' || !Number.isFinite(max)) {
    for (let k = 0; k < n; k++) out[k] = rng.int(size);
    return out;
  }
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let i = 0; i < size; i++) {
    total += Math.exp(draw.exponent * logRewards[i]! - max);
    cumulative[i] = total;
  }
  for (let k = 0; k < n; k++) {
    // first i with cumulative[i] > u: binary search over the running sums
    const u = rng.uniform() * total;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[k] = lo;
  }
  return out;
}
