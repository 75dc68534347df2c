import { config as rxjsConfig, ReplaySubject, Subject } from 'rxjs';
import { asError, withFailureContext } from './failure.js';

/**
 * The failures of one run: the first is the run's (what stops it, what its `error` record and the
 * `gfn:` line report); any after it (while the first was being reported) are kept beside it.
 */
export class RunFailures {
  private firstFailure: Error | undefined;
  private readonly laterFailures: Error[] = [];

  /** The failure that ended the run, once there is one. */
  get first(): Error | undefined {
    return this.firstFailure;
  }

  /** Failures recorded after the first. */
  get later(): readonly Error[] {
    return this.laterFailures;
  }

  /** Records a failure; the first one recorded is the run's. Returns it as an Error. */
  record(thrown: unknown): Error {
    const error = asError(thrown);
    if (this.firstFailure === undefined) this.firstFailure = error;
    else if (error !== this.firstFailure && !this.laterFailures.includes(error)) this.laterFailures.push(error);
    return error;
  }

  /** Throws the run's failure, if it has one. */
  throwIfFailed(): void {
    if (this.firstFailure !== undefined) throw this.firstFailure;
  }
}

/**
 * Runs `body` with RxJS reporting a subscriber's exception synchronously, to whoever published
 * (by default RxJS rethrows it later from a timer, out of reach of the run: the process dies
 * without the run recording why). Restores the setting after, so that nothing else sees it.
 */
export function synchronously<T>(body: () => T): T {
  const previous = rxjsConfig.useDeprecatedSynchronousErrorHandling;
  rxjsConfig.useDeprecatedSynchronousErrorHandling = true;
  try {
    return body();
  } finally {
    rxjsConfig.useDeprecatedSynchronousErrorHandling = previous;
  }
}

/** How a stream of the bus treats failures. */
export interface RunStreamOptions {
  /** The stream's name on the bus, to name the subscriber that failed when it could not name itself. */
  name: string;
  /** The run's failures. */
  failures: RunFailures;
  /** The stream that reports the failure (`error$`): publishing on it does not throw the failure it reports. */
  reportsFailures?: boolean;
}

/**
 * Publishes `value` through `publish` (a subject's own `next`): a subscriber's exception is recorded
 * as the run's failure, and once the run has failed, publishing throws that failure, so the
 * publisher (the trainer, a subscriber publishing in turn) stops where it is.
 */
function publishGuarded(options: RunStreamOptions, publish: () => void): void {
  synchronously(() => {
    try {
      publish();
    } catch (err) {
      // a subscription that could not name itself (see `attributedBus`): name the stream
      options.failures.record(withFailureContext(err, { where: `a subscriber of ${options.name}` }));
    }
  });
  if (!options.reportsFailures) options.failures.throwIfFailed();
}

/** A stream of the run's bus: an RxJS Subject whose `next` fails the run when a subscriber throws. */
export class RunSubject<T> extends Subject<T> {
  constructor(private readonly runStream: RunStreamOptions) {
    super();
  }

  /** Whether this is the stream that reports failures (its subscribers are called after the run failed too). */
  get reportsFailures(): boolean {
    return this.runStream.reportsFailures === true;
  }

  override next(value: T): void {
    publishGuarded(this.runStream, () => super.next(value));
  }
}

/** {@link RunSubject} that replays its last `bufferSize` values to late subscribers. */
export class RunReplaySubject<T> extends ReplaySubject<T> {
  constructor(
    private readonly runStream: RunStreamOptions,
    bufferSize: number,
  ) {
    super(bufferSize);
  }

  override next(value: T): void {
    publishGuarded(this.runStream, () => super.next(value));
  }
}
