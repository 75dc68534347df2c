/**
 * Where a run failed: the part of the run an error came from (`where`, e.g. `environment
 * 'hypergrid'`, `subscriber 'evaluator'`) and the iteration it was working on. Attached to the
 * error itself, so that it travels with it unchanged through the bus, the trainer, `train`'s
 * rejection and the CLI; the metrics log's `error` record and the `gfn:` line read it back.
 */

/** What is known of where an error happened. */
export interface FailureContext {
  /** The part of the run that threw: `objective 'tb'`, `environment 'hypergrid'`, `subscriber 'jsonl'`, … */
  where?: string;
  /** The iteration the run was working on (n = the update that makes iteration n; 0 = before the first update). */
  iteration?: number;
}

/** Key of the context attached to an error (a registered symbol: the same across copies of this module). */
const CONTEXT = Symbol.for('gfn.failureContext');

/** `thrown` as an Error: itself when it is one, else an Error whose message is its text. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** The context attached to `error` (empty when none is). */
export function failureContext(error: unknown): FailureContext {
  if (typeof error !== 'object' || error === null) return {};
  return (error as { [CONTEXT]?: FailureContext })[CONTEXT] ?? {};
}

/**
 * Adds to `error`'s context the fields of `context` it does not have yet: the innermost part that
 * saw the error names it (an environment's error inside the evaluator stays the environment's).
 * Returns `error` itself (a value that cannot carry a context is returned unchanged).
 */
export function withFailureContext<E>(error: E, context: FailureContext): E {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return error;
  const merged = { ...context, ...failureContext(error) };
  // not enumerable: logs and JSON of the error stay what they were
  Object.defineProperty(error, CONTEXT, { value: merged, configurable: true });
  return error;
}

/** Runs `body`; an error it throws leaves with `where` attached (unless a part inside it already named itself). */
export function attributed<T>(where: string, body: () => T): T {
  try {
    return body();
  } catch (err) {
    throw withFailureContext(err, { where });
  }
}

/**
 * `target` seen through a proxy whose methods attach `where` to what they throw: for the objects
 * the run calls from many places (the environment is called by the sampler, the objective and the
 * evaluator alike). Methods run on `target` itself (private fields keep working); other properties
 * read through.
 */
export function attributedObject<T extends object>(target: T, where: string): T {
  const methods = new WeakMap<object, unknown>();
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key, obj);
      if (typeof value !== 'function') return value;
      // a frozen method must be returned as it is (a proxy's invariant)
      const own = Object.getOwnPropertyDescriptor(obj, key);
      if (own && !own.configurable && !own.writable) return value;
      let method = methods.get(value);
      if (!method) {
        const fn = value as (...args: unknown[]) => unknown;
        method = (...args: unknown[]) => attributed(where, () => fn.apply(obj, args));
        methods.set(value, method);
      }
      return method;
    },
  });
}

/**
 * One line about a failure: its message, followed by where and at which iteration it happened
 * when the message does not say so already.
 */
export function describeFailure(error: unknown): string {
  const message = asError(error).message;
  const { where, iteration } = failureContext(error);
  const parts: string[] = [];
  if (where !== undefined && !message.includes(where)) parts.push(`in ${where}`);
  if (iteration !== undefined && !message.includes(`iteration ${iteration}`)) parts.push(`at iteration ${iteration}`);
  return parts.length > 0 ? `${message} (${parts.join(', ')})` : message;
}
