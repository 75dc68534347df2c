import type { Environment } from './environment.js';

/**
 * `env` with some of its contract's methods replaced by `methods`; every other property is the
 * environment's own. A proxy rather than a class that lists the contract's methods, so that
 * optional capabilities (enumeration, modes, guides, test sets) stay visible to the type guards of
 * training code. Every method not replaced runs on the environment itself (`this` is `env`: its
 * private fields, and its own unreplaced methods), so what it computes from its own reward or masks
 * does not go through the replacements.
 */
export function environmentView<E extends Environment>(env: E, methods: Partial<Environment>): E {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(env, {
    get(target, key) {
      if (Object.hasOwn(methods, key)) return methods[key as keyof Environment];
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(key);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(key, fn);
      }
      return fn;
    },
  });
}
