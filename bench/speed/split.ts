/**
 * How one benchmark iteration's wall time divides between the parts the environment table reports.
 */
import type { Phase } from '../profile.js';

/** One iteration's wall ms, split into parts that add up to it. */
export interface IterationSplit {
  /** Wall ms of the iteration the parts are of (the instrumented run's). */
  iterationMs: number;
  /** Calls of the environment's contract methods (through the timing wrapper). */
  env: number;
  /** The MLPs' forward and training passes. */
  network: number;
  /** The loss's forward and backward scopes, the optimizer and the trust-region step. */
  lossOptimizer: number;
  /** The sampler's own work (its network passes and environment calls excluded). */
  sampler: number;
  /** Whatever no phase claimed: bookkeeping, events, the trainer's own code. */
  other: number;
}

/** The parts of {@link IterationSplit} that are shares of the iteration. */
export type SplitPart = Exclude<keyof IterationSplit, 'iterationMs'>;

/**
 * Splits `iterationMs` by the exclusive phase times `ms` of one iteration. The profiler charges
 * every millisecond to exactly one phase (nested phases pause the enclosing one), so the parts do
 * not overlap and the remainder is what no wrapper saw.
 */
export function splitIteration(ms: Readonly<Record<Phase, number>>, iterationMs: number): IterationSplit {
  if (!(iterationMs > 0)) throw new Error(`splitIteration: iterationMs must be > 0, got ${iterationMs}`);
  const lossOptimizer = ms.forward + ms.backward + ms.optimizer + ms.trpo;
  const claimed = ms.env + ms.network + lossOptimizer + ms.sample;
  // the phases are timed separately from the iteration, so timer jitter can make them claim a
  // hair more than the whole; a negative remainder would print as a nonsense share
  return { iterationMs, env: ms.env, network: ms.network, lossOptimizer, sampler: ms.sample, other: Math.max(0, iterationMs - claimed) };
}

/** `part`'s fraction of the iteration (0–1). */
export function share(split: IterationSplit, part: SplitPart): number {
  return split[part] / split.iterationMs;
}
