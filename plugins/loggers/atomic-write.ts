import { renameSync, writeFileSync } from 'node:fs';

/** Writes a file atomically: a temporary file in the same folder, then a rename over the target. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
