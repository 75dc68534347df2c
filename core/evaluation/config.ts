/** How the sampler is measured against the target (see `schedule.ts`). */
export interface EvaluationConfig {
  /** `auto`: exact when the environment is enumerable with at most `exactMaxStates` states, sampled otherwise. */
  mode: 'auto' | 'exact' | 'sampled' | 'none';
  every: number;
  samples: number;
  /** Also evaluate at iteration 0, before the first update. */
  atStart: boolean;
  /** Largest state count exact evaluation may enumerate. */
  exactMaxStates: number;
  /** Sampled evaluation: backward trajectories K per terminal state for log p̂(x). */
  backwardSamples: number;
  /** Sampled evaluation: at most this many test-set states (and fresh samples) get log p̂(x). */
  maxTestStates: number;
  /** Sampled evaluation: the k best of the samples for top-k reward and diversity. */
  topK: number;
}

/** Default of `evaluation.exactMaxStates`: exact evaluation holds a few arrays of this length. */
export const EXACT_MAX_STATES_DEFAULT = 1_000_000;
