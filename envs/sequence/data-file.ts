import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type FileAccess, utf8 } from '../../core/base/file-access.js';

/**
 * A data file shipped in `envs/data/` and what it must look like. The size is checked before the
 * hash so that the commonest damage (a truncated copy, a Git LFS pointer) gets the plainer message.
 */
export interface DataFileSpec {
  /** File name inside `envs/data/`. */
  readonly file: string;
  /** Expected size in bytes. */
  readonly bytes: number;
  /** Expected sha256, lowercase hex. */
  readonly sha256: string;
}

/** A file of little-endian float32 values. */
export interface Float32FileSpec extends DataFileSpec {
  /** Number of values; `bytes` is `count × 4`. */
  readonly count: number;
}

/** Spec of a float32 file of `count` values. */
export function float32FileSpec(file: string, count: number, sha256: string): Float32FileSpec {
  return { file, count, bytes: count * 4, sha256 };
}

/**
 * Reads a data file through `files` and checks its size and sha256 against `spec`; throws an error
 * naming the file, what was expected, what was found and how to repair it. `path` overrides the
 * shipped location.
 */
export function readVerifiedFile(spec: DataFileSpec, files: FileAccess, path: string = files.shippedDataLocation(spec.file)): Uint8Array {
  const fix = `restore it with a fresh checkout of envs/data/${spec.file} (git checkout -- envs/data/${spec.file}); the file must not be edited or stored as a Git LFS pointer`;
  let bytes: Uint8Array;
  try {
    bytes = files.readBytes(path);
  } catch (err) {
    throw new Error(`data file ${spec.file} could not be read at ${path} (${(err as Error).message}); ${fix}`);
  }
  if (bytes.length !== spec.bytes) {
    throw new Error(`data file ${spec.file} at ${path}: expected ${spec.bytes} bytes, found ${bytes.length} bytes (truncated or replaced); ${fix}`);
  }
  const found = bytesToHex(sha256(bytes));
  if (found !== spec.sha256) {
    throw new Error(
      `data file ${spec.file} at ${path}: expected sha256 ${spec.sha256}, found ${found} (the content is corrupted or a different version); ${fix}`,
    );
  }
  return bytes;
}

/** Reads and verifies a file of little-endian float32 values. */
export function loadFloat32File(spec: Float32FileSpec, files: FileAccess, path?: string): Float32Array {
  if (spec.bytes !== spec.count * 4) throw new Error(`data file spec ${spec.file}: ${spec.bytes} bytes is not ${spec.count} float32 values`);
  const bytes = readVerifiedFile(spec, files, path);
  // explicit little-endian reads: the file format does not depend on the host's byte order
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(spec.count);
  for (let i = 0; i < spec.count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Reads, verifies and parses a JSON data file. */
export function loadJsonFile(spec: DataFileSpec, files: FileAccess, path?: string): unknown {
  return JSON.parse(utf8(readVerifiedFile(spec, files, path))) as unknown;
}
