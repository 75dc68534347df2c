import type { Environment } from './environment.js';

/**
 * Optional capabilities through which a task supplies what sample-based evaluation needs. Each is
 * independent: the sampled evaluator reports the metrics whose inputs the environment offers and
 * never asks which environment it is evaluating. None of them may cost memory or time in the
 * number of states.
 */

/** A fixed set of terminal states on which log p̂(x) is compared with log R(x). */
export interface WithTestSet {
  /** Terminal states, flat `k x stateDim`; the same rows on every call (seeded by the task). */
  testSet(): Int32Array;
}

/** log Z = log Σ_x R(x) known in closed form (at any size, without enumeration). */
export interface WithKnownLogPartition {
  knownLogPartition(): number;
}

/** A distance between terminal states (diversity of the best samples, "within δ of a mode"). */
export interface WithTerminalDistance {
  /** Distance between two terminal states given as `stateDim`-long rows. */
  terminalDistance(a: ArrayLike<number>, b: ArrayLike<number>): number;
}

/**
 * Modes defined by a reward threshold: every terminal state with log R ≥ the threshold is a mode
 * (e.g. the grid's highest-reward cells, or the strings above a task's reward cut).
 */
export interface WithModeThreshold {
  modeLogRewardThreshold(): number;
  /** How many terminal states pass the threshold (counted or derived by the task, never by the evaluator). */
  modeCount(): number;
}

/**
 * A radius for mode discovery around listed modes ({@link WithModes}): a mode counts as found once
 * a sample lies within this distance of it ({@link WithTerminalDistance}); 0 = only the mode itself.
 */
export interface WithModeRadius {
  modeRadius(): number;
}

/**
 * Task-specific metrics of N terminal states drawn from P_T (e.g. the expected structural Hamming
 * distance of sampled DAGs to the data-generating graph), published by the sampled evaluator.
 */
export interface WithSampleMetrics {
  /** Metrics of `terminals` (`N x stateDim`), by name; may be empty when the task has nothing to compare with. */
  sampleMetrics(terminals: Int32Array): Record<string, number>;
}

const has = (env: Environment, method: string): boolean => typeof (env as unknown as Record<string, unknown>)[method] === 'function';

/** Type guard for {@link WithTestSet}. */
export function hasTestSet(env: Environment): env is Environment & WithTestSet {
  return has(env, 'testSet');
}

/** Type guard for {@link WithKnownLogPartition}. */
export function hasKnownLogPartition(env: Environment): env is Environment & WithKnownLogPartition {
  return has(env, 'knownLogPartition');
}

/** Type guard for {@link WithTerminalDistance}. */
export function hasTerminalDistance(env: Environment): env is Environment & WithTerminalDistance {
  return has(env, 'terminalDistance');
}

/** Type guard for {@link WithModeThreshold}. */
export function hasModeThreshold(env: Environment): env is Environment & WithModeThreshold {
  return has(env, 'modeLogRewardThreshold') && has(env, 'modeCount');
}

/** Type guard for {@link WithModeRadius}. */
export function hasModeRadius(env: Environment): env is Environment & WithModeRadius {
  return has(env, 'modeRadius');
}

/**
 * Distance used where the task supplies none: the number of state entries that differ (Hamming
 * distance on the state vectors).
 */
export function terminalDistanceOf(env: Environment): (a: ArrayLike<number>, b: ArrayLike<number>) => number {
  return hasTerminalDistance(env) ? (a, b) => env.terminalDistance(a, b) : hammingDistance;
}

/** Number of entries in which two equally long rows differ. */
export function hammingDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

/**
 * Observations made of tokens: `encode` writes `positions` blocks of `vocabulary` entries, block p
 * one-hot on the symbol at position p and all zero where the position is empty. Sequence models
 * (the `transformer` estimator) read the observation as tokens through this layout.
 */
export interface WithTokenLayout {
  tokenLayout(): TokenLayout;
}

/** Shape of a token observation ({@link WithTokenLayout}): `obsDim = positions · vocabulary`. */
export interface TokenLayout {
  positions: number;
  vocabulary: number;
}

/** Type guard for {@link WithTokenLayout}. */
export function hasTokenLayout(env: Environment): env is Environment & WithTokenLayout {
  return has(env, 'tokenLayout');
}

/** Type guard for {@link WithSampleMetrics}. */
export function hasSampleMetrics(env: Environment): env is Environment & WithSampleMetrics {
  return has(env, 'sampleMetrics');
}
