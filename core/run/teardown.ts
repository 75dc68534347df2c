/**
 * One teardown for everything that assembles a run (`train`, `loadSampler`, the conformance kit):
 * free only what was built, last built first, and never let a failure while freeing hide the error
 * that ended the run.
 *
 * A registry of its own rather than inversify's deactivation hooks: `unbindAll` deactivates in the
 * order the bindings were made (a network before the objective that uses it), skips a constant
 * that was never resolved (the native kernels, chosen when the container is built), and stops at
 * the first hook that throws.
 */

/** What a {@link Teardown} frees: a description for error messages, and how to free it. */
interface Owned {
  readonly what: string;
  readonly dispose: () => void;
}

/** Key of the teardown failures attached to the error that ended a run (see {@link suppressedErrors}). */
const SUPPRESSED = Symbol.for('gfn.suppressedErrors');

/** The resources something built, in the order it built them, and how to free them all. */
export class Teardown {
  private owned: Owned[] = [];

  /** Records that `what` has just been built and how to free it. */
  own(what: string, dispose: () => void): void {
    this.owned.push({ what, dispose });
  }

  /**
   * An activation hook for a binding whose value has a `dispose()`: records the value when the
   * binding's factory has actually built it (so nothing is built only to be freed).
   */
  owns<T extends { dispose(): void }>(what: string): (context: unknown, value: T) => T {
    return (_context, value) => {
      this.own(what, () => value.dispose());
      return value;
    };
  }

  /**
   * Frees everything recorded, last built first. Every resource gets its turn even when freeing an
   * earlier one throws; the failures are returned, each naming what it was freeing. A second call
   * frees nothing more.
   */
  run(): Error[] {
    const owned = this.owned;
    this.owned = [];
    return owned.reverse().flatMap(({ what, dispose }) => attempt(what, dispose));
  }
}

/** Frees `what` by `dispose`: no failure, or the one failure, naming `what`. */
export function attempt(what: string, dispose: () => void): Error[] {
  try {
    dispose();
    return [];
  } catch (err) {
    return [new Error(`freeing ${what} failed: ${messageOf(err)}`, { cause: err })];
  }
}

/**
 * Runs `body`, then `teardown` whether `body` succeeded or not. When `body` throws, its error is
 * what this throws, unchanged: the teardown's failures are attached to it (see
 * {@link suppressedErrors}), never substituted for it. When `body` succeeds and the teardown
 * fails, the failure is thrown (see {@link throwIfFailed}).
 */
export async function withTeardown<T>(body: () => Promise<T>, teardown: () => readonly Error[]): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (err) {
    throw withSuppressed(err, guarded(teardown));
  }
  throwIfFailed(guarded(teardown));
  return result;
}

/**
 * Runs `body` and returns what it returns; when it throws, runs `teardown` and rethrows `body`'s
 * error unchanged, with the teardown's failures attached (for what is built to outlive `body`).
 */
export function freeingOnFailure<T>(body: () => T, teardown: () => readonly Error[]): T {
  try {
    return body();
  } catch (err) {
    throw withSuppressed(err, guarded(teardown));
  }
}

/**
 * `error` with `failures` (of the teardown that followed it) attached, to be rethrown as is. A
 * thrown value that is not an object cannot carry them and is returned alone.
 */
export function withSuppressed(error: unknown, failures: readonly Error[]): unknown {
  if (failures.length > 0 && typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    // not enumerable: logs and JSON of the error stay what they were
    Object.defineProperty(error, SUPPRESSED, { value: [...suppressedErrors(error), ...failures], configurable: true });
  }
  return error;
}

/** The teardown failures that followed `error` (attached by {@link withTeardown}); empty when there were none. */
export function suppressedErrors(error: unknown): readonly Error[] {
  if (typeof error !== 'object' || error === null) return [];
  const attached = (error as { [SUPPRESSED]?: readonly Error[] })[SUPPRESSED];
  return attached ?? [];
}

/** Throws when a teardown failed: its one failure itself, several as an `AggregateError`. */
export function throwIfFailed(failures: readonly Error[]): void {
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1)
    throw new AggregateError(failures, `freeing the run's resources failed ${failures.length} times: ${failures.map((f) => f.message).join('; ')}`);
}

/** The failures of `teardown`, including its own throw (a teardown that throws instead of reporting). */
function guarded(teardown: () => readonly Error[]): readonly Error[] {
  try {
    return teardown();
  } catch (err) {
    return [err instanceof Error ? err : new Error(messageOf(err))];
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
