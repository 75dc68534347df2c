import { Observable, type Observer } from 'rxjs';
import { withFailureContext } from './failure.js';
import type { RunFailures } from './run-subjects.js';

/** Who subscribes through an attributed view, and where its failures go. */
interface Guard {
  where: string;
  failures: RunFailures;
  /** The stream reports failures (`error$`): its subscribers are still called after the run failed. */
  reportsFailures: boolean;
}

/**
 * `bus` as one part of the run (`where`, e.g. `subscriber 'evaluator'`) sees it: the same streams,
 * publishing the same way, but an exception thrown by what this part subscribes — a callback, or an
 * operator of a `pipe` — is recorded in `failures` as the run's failure with `where` attached
 * instead of escaping to RxJS (which would rethrow it from a timer and kill the process). A
 * callback that returns a promise fails the run when the promise rejects. Once the run has failed,
 * this part's callbacks are no longer called (the run stops where it is: no checkpoint of the
 * iteration that failed, say), except on the stream that reports the failure.
 */
export function attributedBus<B extends object>(bus: B, where: string, failures: RunFailures): B {
  const streams = new Map<PropertyKey, unknown>();
  return new Proxy(bus, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (value instanceof Observable) {
        let stream = streams.get(key);
        if (!stream) {
          const reportsFailures = (value as { reportsFailures?: boolean }).reportsFailures === true;
          stream = guardedStream(value, { where, failures, reportsFailures });
          streams.set(key, stream);
        }
        return stream;
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `stream` whose subscriptions (direct, or through `pipe`) are guarded by `guard`. */
function guardedStream<S extends Observable<unknown>>(stream: S, guard: Guard): S {
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'subscribe') return (...args: unknown[]) => target.subscribe(guardedObserver(args, guard));
      if (key === 'pipe') {
        const pipe = target.pipe as (...operators: unknown[]) => Observable<unknown>;
        return (...operators: unknown[]) => guardedStream(pipe.apply(target, operators), guard);
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

type Handler = (value: unknown) => unknown;

/** The observer `subscribe(...args)` describes (a `next` function, or an observer object), guarded. */
function guardedObserver(args: readonly unknown[], guard: Guard): Partial<Observer<unknown>> {
  const [first, error, complete] = args;
  const observer = (typeof first === 'function' || first == null ? { next: first, error, complete } : first) as Partial<
    Record<keyof Observer<unknown>, Handler>
  >;
  const fail = (err: unknown): void => void guard.failures.record(withFailureContext(err, { where: guard.where }));
  const call = (handler: Handler, value: unknown): void => {
    try {
      const result = handler.call(observer, value);
      if (isThenable(result)) result.then(undefined, fail);
    } catch (err) {
      fail(err);
    }
  };
  return {
    next: (value) => {
      if (!observer.next || (guard.failures.first !== undefined && !guard.reportsFailures)) return;
      call(observer.next, value);
    },
    // the bus's streams never error; an operator in a pipe that throws does
    error: (err) => (observer.error ? call(observer.error, err) : fail(err)),
    complete: () => void observer.complete?.call(observer, undefined),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
