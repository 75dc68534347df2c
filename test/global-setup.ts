import { rmSync } from 'node:fs';
import { packFolder } from './package/pack-once.js';

/**
 * Runs in the main vitest process, around the whole test run: at the end it removes the folder
 * the packaging tests' forks shared for the tarball (`packOnce`), which no fork can remove, not
 * knowing whether it is the last to use it.
 */
export function teardown(): void {
  rmSync(packFolder(process.pid), { recursive: true, force: true });
}
