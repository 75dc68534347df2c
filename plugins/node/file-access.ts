import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAccess } from '../../core/base/file-access.js';
import { packageRoot } from './package-root.js';
import { loadOrComputeTable } from './table-cache.js';

/** File access under Node: paths relative to the working directory; shipped data from the package's `envs/data/`. */
export const nodeFileAccess: FileAccess = {
  shippedDataLocation: (name) => join(packageRoot(), 'envs', 'data', name),
  readBytes: (location) => {
    const b = readFileSync(location);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  cachedTable: (spec) => loadOrComputeTable(spec, undefined, (note) => process.stderr.write(`[gfn] ${note}\n`)).table,
};
