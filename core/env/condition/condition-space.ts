import type { Rng } from '../../base/rng.js';
import type { ConditionEncoding } from './condition-config.js';

/**
 * What a conditional GFlowNet is conditioned on, independent of the environment: a vector c of k
 * named components (the reward exponent β, a preference ω over objectives, or both), how training draws it, the features the
 * networks see, how it turns an environment's reward into the target of the condition, and the
 * exact target at one condition from the environment's own R/Z. Values are float32, as the state's
 * condition columns store them (`conditional-environment.ts`).
 */
export interface ConditionSpace {
  /** Component names, in the order of the condition columns (e.g. `beta`). */
  readonly names: readonly string[];
  /** Length of the condition's features. */
  readonly featureDim: number;
  /** How the features join the observation (`ConditionedEnvironment.encode`). */
  readonly encoding: ConditionEncoding;
  /** The condition of the environment's own s0 (sampling without a condition, the `logZ` metric). */
  readonly reference: Float32Array;
  /** The conditions every evaluation measures the sampler at. */
  readonly grid: readonly Float32Array[];
  /**
   * The environment's objectives `logRewards` combines (a preference over them), in its
   * `logObjectives` order; absent: `logRewards` transforms the environment's own log R.
   */
  readonly objectives?: readonly string[];
  /** `n` conditions drawn from the training distribution, `n x k`. */
  draw(n: number, rng: Rng): Float32Array;
  /** Network features of `n x k` conditions, `n x featureDim`. */
  features(values: Float32Array): Float32Array;
  /**
   * The log-reward of the target at each row's condition (`values`, `n x k`) from the environment's
   * log R (`n`), or with {@link objectives} from its log R_i (`n x K`).
   */
  logRewards(logR: Float64Array, values: Float32Array): Float64Array;
  /**
   * The exact target at condition `values` over an enumerable environment's states, from its own
   * R/Z (`distribution`, zero where exit is not allowed) and log Z, and with {@link objectives}
   * every state's log R_i (`objectiveLogR`, `nStates x K`).
   */
  target(
    distribution: Float64Array,
    logPartition: number,
    values: ArrayLike<number>,
    objectiveLogR?: Float64Array,
  ): { distribution: Float64Array; logPartition: number };
  /** The weight of each row's squared residual in the balance losses (`n x k` conditions → `n`); undefined = all equal. */
  residualWeights(values: Float32Array): Float32Array | undefined;
  /** `beta=0.5`: the condition in metric names and messages. */
  label(values: ArrayLike<number>): string;
  /** A condition given by name (`{ beta: 4 }`), checked: every component, nothing else, each valid. */
  parse(given: Readonly<Record<string, number>>): Float32Array;
}
