import { renameSync, writeFileSync } from 'node:fs';

/** The two file operations of an atomic write (replaceable to simulate a crash between them in tests). */
export interface AtomicWriteOps {
  writeFile(path: string, content: string): void;
  rename(from: string, to: string): void;
}

const nodeOps: AtomicWriteOps = { writeFile: (p, c) => writeFileSync(p, c), rename: renameSync };

/**
 * Writes a file atomically: a temporary file in the same folder, then a rename over the target.
 * A crash before the rename leaves the previous file untouched (and at worst a stray `.tmp`).
 */
export function writeFileAtomic(path: string, content: string, ops: AtomicWriteOps = nodeOps): void {
  const tmp = `${path}.${process.pid}.tmp`;
  ops.writeFile(tmp, content);
  ops.rename(tmp, path);
}
