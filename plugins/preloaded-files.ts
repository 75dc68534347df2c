import type { FileAccess } from '../core/base/file-access.js';

/**
 * File access for a page: the files it fetched beforehand, by location. Shipped data files are
 * located at `envs/data/<name>` (e.g. fetch `tfbind8.y.f32` and `tfbind8.modes.json` and pass them
 * as `{ 'envs/data/tfbind8.y.f32': bytes, … }`); a config's own files (a DAG's CSV) by the path the
 * config gives. Anything else is an error naming the missing location.
 */
export function preloadedFiles(files: Readonly<Record<string, Uint8Array>> = {}): FileAccess {
  return {
    shippedDataLocation: (name) => `envs/data/${name}`,
    readBytes: (location) => {
      const bytes = files[location];
      if (!bytes) throw new Error(`'${location}' was not provided: fetch it and pass its bytes to preloadedFiles({ '${location}': bytes })`);
      return bytes;
    },
  };
}
