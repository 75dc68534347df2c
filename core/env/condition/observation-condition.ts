import type { Environment } from '../environment.js';

/**
 * Where a conditioned observation carries the condition's features, and how the networks of the
 * observations are to take them: the contract by which an estimator learns which columns are the
 * condition without knowing the environment that put them there.
 */
export interface ObservationCondition {
  /** First column of the condition's features in every observation row. */
  readonly start: number;
  /** How many columns the features take (from {@link start}). */
  readonly width: number;
  /**
   * `film`: every hidden layer of a network over these observations is modulated by the features,
   * h = act(γ(f) ⊙ (W x + b) + β(f)); `none`: the features are input columns like any other.
   */
  readonly modulation: 'film' | 'none';
}

/** Optional capability of an environment whose observations carry a condition's features. */
export interface WithObservationCondition {
  observationCondition(): ObservationCondition;
}

/** The environment's {@link ObservationCondition}, or undefined when its observations carry none. */
export function observationConditionOf(env: Environment | undefined): ObservationCondition | undefined {
  const e = env as Partial<WithObservationCondition> | undefined;
  return typeof e?.observationCondition === 'function' ? e.observationCondition() : undefined;
}
