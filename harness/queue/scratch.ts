import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder under the temporary folder (`$TMPDIR`) that holds every queue worker's scratch folder on this machine. */
export const SCRATCH_ROOT_NAME = 'gfn-workers';

/** A worker's scratch folder: `<root>/<pid>-<random>`, the pid naming the process that owns it. */
const OWNED = /^(\d+)-[^/]+$/;

/** Whether a process with this id runs on this machine (one of another user's counts: it cannot be ours to remove). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What {@link claimScratch} made and found. */
export interface Scratch {
  /** This worker's folder. */
  dir: string;
  /** The folders of workers no longer running that were removed. */
  reclaimed: string[];
}

/**
 * Makes this worker's scratch folder under `<root>` (default `$TMPDIR/gfn-workers`), named after
 * its process id, and first removes the folders left there by workers that no longer run (killed
 * with SIGKILL, a machine that lost power): their runs are taken over elsewhere from the
 * checkpoints published in Redis, so what they left here is never read again. A folder whose pid is
 * this process's own is a leftover too (an earlier process that had the same id, in a container).
 */
export function claimScratch(root = join(tmpdir(), SCRATCH_ROOT_NAME)): Scratch {
  mkdirSync(root, { recursive: true });
  const reclaimed: string[] = [];
  for (const name of readdirSync(root)) {
    const owner = OWNED.exec(name);
    if (!owner) continue;
    const pid = Number(owner[1]);
    if (pid !== process.pid && isAlive(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    reclaimed.push(join(root, name));
  }
  return { dir: mkdtempSync(join(root, `${process.pid}-`)), reclaimed };
}
