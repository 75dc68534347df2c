import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAccess } from '../../core/base/file-access.js';
import { ProgressLine } from '../../core/base/progress-line.js';
import { packageRoot } from './package-root.js';
import { loadOrComputeTable } from './table-cache.js';

const stderrLine = (line: string): void => void process.stderr.write(`[gfn] ${line}\n`);

/**
 * File access under Node: paths relative to the working directory; shipped data from the package's
 * `envs/data/`; large derived tables cached on disk, with a progress line on standard error while
 * one takes more than 2 s to build or load (the channel of the run's own `[gfn]` lines).
 */
export const nodeFileAccess: FileAccess = {
  shippedDataLocation: (name) => join(packageRoot(), 'envs', 'data', name),
  readBytes: (location) => {
    const b = readFileSync(location);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  cachedTable: (spec) =>
    loadOrComputeTable(spec, undefined, stderrLine, (label) => new ProgressLine(label, { write: stderrLine, now: () => performance.now() })).table,
};
