import { inspect } from 'node:util';
import { describeFailure } from '../core/events/failure.js';
import { suppressedErrors } from '../core/run/teardown.js';

/**
 * How `gfn` reports the error that ends a command: one `gfn:` line with its message (and, for a
 * run, where and at which iteration it failed), a line for each failure while cleaning up after it,
 * and the stack only when asked for (`--verbose`).
 */
export function reportError(err: unknown, verbose: boolean): void {
  process.stderr.write(`gfn: ${describeFailure(err)}\n`);
  // the error that ended the run comes first; failures while freeing its resources after it are noted
  for (const later of suppressedErrors(err)) process.stderr.write(`gfn: then, while cleaning up: ${later.message}\n`);
  if (verbose) process.stderr.write(`${inspect(err)}\n`);
}
