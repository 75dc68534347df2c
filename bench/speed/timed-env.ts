/**
 * The timing wrapper around an environment: every call of a contract method is charged to the
 * profiler's `env` phase and summed per method, so that the speed table can say how much of an
 * iteration is environment work, and which method it is.
 *
 * A Proxy rather than a subclass or patched prototype: it wraps any environment (plugins' ones
 * included) without knowing its class, leaves the original untouched for the plain run, and keeps
 * the optional capabilities (`allStates`, `stateIndex`, …) that the run detects by their presence.
 */
import type { Environment } from '../../core/env/environment.js';
import type { GymEnv, GymEnvFactory } from '../../core/gym/gym-env.js';
import type { Profiler } from '../profile.js';

/** The methods of the Environment contract that the trainer and sampler call per batch. */
export const ENVIRONMENT_METHODS = ['step', 'backwardStep', 'forwardMask', 'backwardMask', 'logReward', 'encode', 'isInitial'] as const;

/** Runs `call` (one call of `method`) and returns its result; free to time it. */
export type MethodWrapper<M extends string> = (method: M, call: () => unknown) => unknown;

/**
 * `target` with each method named in `names` routed through `wrap`; other methods run unwrapped,
 * and properties read through. Methods are bound to `target` (its private fields stay reachable)
 * and built once per name, so repeated reads return the same function.
 */
export function withWrappedMethods<T extends object, M extends string>(target: T, names: readonly M[], wrap: MethodWrapper<M>): T {
  const cache = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  const wrapped = (key: PropertyKey): key is M => (names as readonly PropertyKey[]).includes(key);
  return new Proxy(target, {
    get(t, key) {
      const value: unknown = Reflect.get(t, key, t);
      if (typeof value !== 'function') return value;
      let fn = cache.get(key);
      if (fn === undefined) {
        const bound = (value as (...args: unknown[]) => unknown).bind(t);
        fn = wrapped(key) ? (...args: unknown[]) => wrap(key, () => bound(...args)) : bound;
        cache.set(key, fn);
      }
      return fn;
    },
  });
}

/** A wrapper that charges each call to the `env` phase and adds its wall ms to `byMethod`. */
function chargeTo(profiler: Profiler, byMethod: Map<string, number>): MethodWrapper<string> {
  return (method, call) => {
    const t0 = performance.now();
    try {
      return profiler.timed('env', call);
    } finally {
      // inclusive of nested phases (none expected inside an environment), unlike the profiler's
      byMethod.set(method, (byMethod.get(method) ?? 0) + performance.now() - t0);
    }
  };
}

/** `env` with its contract methods timed into `profiler` (phase `env`) and `byMethod` (ms per method name). */
export function timedEnvironment(env: Environment, profiler: Profiler, byMethod: Map<string, number>): Environment {
  return withWrappedMethods(env, ENVIRONMENT_METHODS, chargeTo(profiler, byMethod));
}

/**
 * A Gym factory whose copies have `reset` and `step` timed like {@link timedEnvironment}: the
 * trainer makes its copies itself, so the wrapper has to sit on `make`.
 */
export function timedGymFactory(factory: GymEnvFactory, profiler: Profiler, byMethod: Map<string, number>): GymEnvFactory {
  const make = (): GymEnv => withWrappedMethods(factory.make(), ['reset', 'step'], chargeTo(profiler, byMethod));
  return new Proxy(factory, { get: (t, key) => (key === 'make' ? make : Reflect.get(t, key, t)) });
}
