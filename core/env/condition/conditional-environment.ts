import type { Rng } from '../../base/rng.js';
import { type Environment, isEnumerable } from '../environment.js';
import { isMultiObjective } from '../multi-objective.js';
import type { ConditionConfig } from './condition-config.js';
import type { ConditionSpace } from './condition-space.js';
import { ConditionedEnvironment, EnumerableConditionedEnvironment } from './conditioned-environment.js';
import { PreferenceSpace } from './preference-space.js';
import { TemperatureSpace } from './temperature-space.js';

/**
 * Optional capability: trajectories start from a distribution of initial states instead of s0
 * alone. The sampler draws each forward trajectory's start from it; `isInitial` is 1 for every
 * state it returns.
 */
export interface WithInitialStateDistribution {
  /** `n` initial states, flat `n x stateDim`, drawn with `rng`. */
  initialStates(n: number, rng: Rng): Int32Array;
}

/** Type guard for {@link WithInitialStateDistribution}. */
export function hasInitialStateDistribution(env: Environment): env is Environment & WithInitialStateDistribution {
  return typeof (env as Partial<WithInitialStateDistribution>).initialStates === 'function';
}

/**
 * The environment a conditional run trains on (the config's `condition` section): a
 * {@link ConditionedEnvironment} whose every training trajectory starts at s0 carrying a condition
 * drawn afresh from the condition space's distribution (with the sampler's own random stream, so
 * that a checkpoint restores it), and whose own s0 carries the reference condition. `at(c)` is the
 * same environment at one condition — enumerable when the environment is — for evaluation and for
 * sampling at a condition.
 */
export class ConditionalEnvironment extends ConditionedEnvironment implements WithInitialStateDistribution {
  constructor(base: Environment, space: ConditionSpace) {
    super(base, space, space.reference);
  }

  initialStates(n: number, rng: Rng): Int32Array {
    const d = this.base.stateDim;
    const starts = new Int32Array(n * d);
    for (let i = 0; i < n; i++) starts.set(this.base.s0, i * d);
    return this.withCondition(starts, this.space.draw(n, rng));
  }

  /** The environment at condition `values` (k entries): every trajectory from its s0 carries it. */
  at(values: Float32Array): ConditionedEnvironment {
    const { base } = this;
    return isEnumerable(base) ? new EnumerableConditionedEnvironment(base, this.space, values) : new ConditionedEnvironment(base, this.space, values);
  }
}

/** Type guard: the run is conditional (its environment is a {@link ConditionalEnvironment}, possibly behind views). */
export function isConditional(env: Environment): env is ConditionalEnvironment {
  const e = env as Partial<ConditionalEnvironment>;
  return typeof e.at === 'function' && typeof e.conditionFeatures === 'function' && e.space !== undefined;
}

/**
 * `env` conditioned as the config's `condition` section says; `env` itself without the section, or
 * when it is conditional already (a preflight's environment handed on to the run).
 */
export function withConditions(env: Environment, condition: ConditionConfig | undefined): Environment {
  if (!condition || isConditional(env)) return env;
  if (!condition.preference) return new ConditionalEnvironment(env, new TemperatureSpace(condition));
  return new ConditionalEnvironment(env, new PreferenceSpace(condition, isMultiObjective(env) ? env.objectiveNames : []));
}

/**
 * The environment evaluation measures a run on, as far as its size and kind go: the conditional
 * environment at its reference condition (every condition of the grid has the same states), the
 * environment itself otherwise.
 */
export function evaluatedEnvironment(env: Environment): Environment {
  return isConditional(env) ? env.at(env.space.reference) : env;
}

/**
 * The environment to sample from at a condition given by name (`{ beta: 4 }`): a conditional
 * environment at that condition, or at its reference when none is given; an unconditional
 * environment as it is, which refuses a condition.
 */
export function environmentAt(env: Environment, given: Readonly<Record<string, number>> | undefined): Environment {
  if (!isConditional(env)) {
    if (given !== undefined) throw new Error(`condition ${JSON.stringify(given)}: this run is not conditional (its config has no condition section)`);
    return env;
  }
  return env.at(given === undefined ? env.space.reference : env.space.parse(given));
}
