import { asError, failureContext } from '../core/events/failure.js';
import { appendRunError } from '../run-folder/metrics-writer.js';
import { reportError } from './report-error.js';

/** Exit code of a run stopped by each signal: 128 + the signal's number, as a shell reports it. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof EXIT_CODES;

/** What {@link guardRun} hands the run, and how to end it. */
export interface RunGuard {
  /** Aborts (reason: the signal's name) on the first SIGINT or SIGTERM: pass it as `train`'s `signal`. */
  signal: AbortSignal;
  /** The exit code of the signal that stopped the run (130, 143), if one did. */
  exitCode(): number | undefined;
  /** Removes the handlers (the run is over). */
  dispose(): void;
}

/**
 * The process side of a `gfn train` run, while it trains:
 * - the first SIGINT or SIGTERM interrupts the run (it stops at the end of the current iteration,
 *   writes a checkpoint and a `stopped` record); a second one exits at once with the signal's code
 *   (the checkpoint, written atomically, is the last whole one);
 * - an exception nothing caught (a plugin's timer, say) is recorded as the run's `error` record in
 *   `runDir`, reported on one `gfn:` line, and the process exits 1, before the tensor backend's
 *   own handler would print its glue code.
 */
export function guardRun(runDir: string, verbose: boolean): RunGuard {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const onSignal = (name: StopSignal): void => {
    if (received) process.exit(EXIT_CODES[name]);
    received = name;
    process.stderr.write(`[gfn] ${name}: stopping after the current iteration (again to exit at once)\n`);
    controller.abort(name);
  };
  const onFatal = (thrown: unknown): void => {
    try {
      const error = asError(thrown);
      appendRunError(runDir, error.message, failureContext(thrown));
    } catch {
      // the run folder cannot be written: the terminal still gets the error
    }
    reportError(thrown, verbose);
    process.exit(1);
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.prependListener('uncaughtException', onFatal);
  process.prependListener('unhandledRejection', onFatal);
  return {
    signal: controller.signal,
    exitCode: () => (received ? EXIT_CODES[received] : undefined),
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('uncaughtException', onFatal);
      process.off('unhandledRejection', onFatal);
    },
  };
}
