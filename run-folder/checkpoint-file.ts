import { existsSync, readFileSync } from 'node:fs';
import { type CheckpointDocument, parseCheckpoint } from '../core/training/run-state.js';
import { type AtomicWriteOps, writeFileAtomic } from './atomic-write.js';
import { checkpointPath } from './paths.js';

/** Writes `doc` atomically (temporary file, then rename): an interrupted write leaves the previous checkpoint intact. */
export function writeCheckpoint(runDir: string, doc: CheckpointDocument, ops?: AtomicWriteOps): string {
  const path = checkpointPath(runDir);
  writeFileAtomic(path, JSON.stringify(doc), ops);
  return path;
}

/** Reads the checkpoint of the run in `runDir` (or a checkpoint file given directly). */
export function readCheckpoint(runDirOrFile: string): CheckpointDocument {
  const path = runDirOrFile.endsWith('.json') ? runDirOrFile : checkpointPath(runDirOrFile);
  if (!existsSync(path)) throw new Error(`no checkpoint at ${path} (a run writes one every checkpoint.every iterations and at the end)`);
  return parseCheckpoint(readFileSync(path, 'utf8'), path);
}
