import { existsSync, readFileSync, statSync } from 'node:fs';
import type { CheckpointDocument } from '../core/training/run-state.js';
import { type AtomicWriteOps, writeFileAtomic } from './atomic-write.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { checkpointPath } from './paths.js';

/**
 * Writes `doc` atomically (temporary file, then rename), sealed with its format version and checksum
 * (see `checkpoint-codec.ts`): an interrupted write leaves the previous checkpoint intact.
 */
export function writeCheckpoint(runDir: string, doc: CheckpointDocument, ops?: AtomicWriteOps): string {
  const path = checkpointPath(runDir);
  writeFileAtomic(path, encodeCheckpoint(doc), ops);
  return path;
}

/** The checkpoint file `runDirOrFile` names: a file given directly, else the run folder's `checkpoint.json`. */
export function checkpointFileOf(runDirOrFile: string): string {
  if (runDirOrFile.endsWith('.json')) return runDirOrFile;
  return existsSync(runDirOrFile) && statSync(runDirOrFile).isFile() ? runDirOrFile : checkpointPath(runDirOrFile);
}

/**
 * Reads the checkpoint of the run in `runDir` (or a checkpoint file given directly). A file that is
 * truncated, corrupted (its checksum does not match), from a newer gflownet-ts or of another kind
 * is refused with an error naming it and what is wrong.
 */
export function readCheckpoint(runDirOrFile: string): CheckpointDocument {
  const path = checkpointFileOf(runDirOrFile);
  if (!existsSync(path)) throw new Error(`no checkpoint at ${path} (a run writes one every checkpoint.every iterations and at the end)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`checkpoint ${path} could not be read: ${(err as Error).message}`);
  }
  return decodeCheckpoint(bytes, path);
}
