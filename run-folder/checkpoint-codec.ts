import { createHash } from 'node:crypto';
import { type AcceptedFormat, readVersionedJson } from '../core/checkpoint/file-format.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointDocument } from '../core/training/run-state.js';

/**
 * The checkpoint file's text: one JSON object that starts with its format and version and ends
 * with `"sha256"`, the SHA-256 (lowercase hex) of the UTF-8 text of the same object without that
 * last member, i.e. of `JSON.stringify` of the document. Version 1 (written before checksums
 * existed) is still read, unchecked: refusing it would strand every run checkpointed until now,
 * and its structure is still checked on load (array lengths, shapes, every part's fields).
 */

const ACCEPTED: AcceptedFormat = { format: CHECKPOINT_FORMAT, oldest: 1, newest: CHECKPOINT_VERSION, what: 'gflownet-ts checkpoint' };
/** The first version that carries a checksum. */
const CHECKSUMMED_FROM = 2;
/** How a sealed checkpoint ends (the checksum is the last member, after everything it covers). */
const SEAL = /,\s*"sha256"\s*:\s*"[0-9a-f]{64}"\s*\}\s*$/;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The file text of `doc`, sealed with the current format version and its checksum. */
export function encodeCheckpoint(doc: CheckpointDocument): string {
  const { format: _f, version: _v, sha256: _s, ...content } = doc as CheckpointDocument & { sha256?: unknown };
  const body = JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...content });
  return `${body.slice(0, -1)},"sha256":"${sha256(body)}"}`;
}

/** A refusal of the checkpoint at `path`: one line that names the file and what is wrong with it. */
function refuse(path: string, problem: string): Error {
  return new Error(`checkpoint ${path} ${problem}`);
}

/** Why `text` does not parse: changed inside (its seal is there), or cut short (it starts like a checkpoint, its seal is missing). */
function unparsable(text: string, startsLikeIt: boolean, bytes: number): string | undefined {
  if (SEAL.test(text)) return 'is damaged: it is not valid JSON although it ends with its checksum (bytes were changed)';
  if (startsLikeIt) return `is truncated or damaged: it is not complete JSON and ends after ${bytes} bytes without its checksum (a copy cut short?)`;
  return undefined;
}

/** The seal exactly as {@link encodeCheckpoint} writes it. */
const WRITTEN_SEAL = /,"sha256":"([0-9a-f]{64})"\}\s*$/;

/**
 * The problem with a sealed document's checksum, or undefined when it matches its content. A file
 * as written is checked on its bytes; one whose layout changed (reformatted) on its re-serialised
 * content, which is the same text for a document that only changed layout.
 */
function checksumProblem(doc: Record<string, unknown>, text: string): string | undefined {
  const { sha256: recorded, ...content } = doc;
  if (typeof recorded !== 'string' || !/^[0-9a-f]{64}$/.test(recorded)) return `is damaged: its "sha256" field is not a checksum (${JSON.stringify(recorded)})`;
  const seal = WRITTEN_SEAL.exec(text);
  if (seal?.[1] === recorded && sha256(`${text.slice(0, seal.index)}}`) === recorded) return undefined;
  const computed = sha256(JSON.stringify(content));
  if (computed === recorded) return undefined;
  return `is corrupted: its content does not match its sha256 checksum (recorded ${recorded.slice(0, 12)}…, computed ${computed.slice(0, 12)}…)`;
}

/**
 * Parses and checks the bytes of the checkpoint file at `path` (named in every error): its format
 * and version, its checksum, then the fields a run needs. Returns the document without its checksum.
 */
export function decodeCheckpoint(bytes: Uint8Array, path: string): CheckpointDocument {
  if (bytes.length === 0) throw refuse(path, 'is empty (0 bytes)');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const read = readVersionedJson(text, ACCEPTED, {
    unparsable: (t, startsLikeIt) => unparsable(t, startsLikeIt, bytes.length),
    // the checksum before the format: a sealed file with a changed byte in its head is corrupted, not of another kind
    verify: (doc) => ('sha256' in doc ? checksumProblem(doc, text) : undefined),
  });
  if ('problem' in read) throw refuse(path, read.problem);
  if (!('sha256' in read.doc) && read.version >= CHECKSUMMED_FROM)
    throw refuse(path, `has no "sha256" checksum, which version ${read.version} files end with (was it edited?)`);
  const { sha256: _, ...checkpoint } = read.doc;
  if (!checkpoint.config || !checkpoint.forward || !checkpoint.state || typeof checkpoint.iterations !== 'number')
    throw refuse(path, 'is incomplete (config, forward, state and iterations are required)');
  return checkpoint as unknown as CheckpointDocument;
}
