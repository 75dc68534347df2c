import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { endianness, homedir } from 'node:os';
import { join } from 'node:path';
import type { CachedTableSpec } from '../../core/base/file-access.js';
import { type ProgressSink, silentProgress } from '../../core/base/progress-line.js';
import { type AcceptedFormat, type FileRefusal, readVersionedJson } from '../../core/checkpoint/file-format.js';

/**
 * The Node host's cache of large float64 tables computed from shipped data (e.g. the sEH proxy's 34M
 * predictions, {@link CachedTableSpec}), on disk so that each is computed once per machine. The
 * cache file is `<dir>/<key>.f64` (little-endian float64) beside its record `<key>.json`:
 * `{"format":"gflownet-ts-table","version":1,"key":…,"length":…,"sha256":…}`, the sha256 being that
 * of the `.f64` file's bytes. A table whose record or data is missing, truncated, corrupted or of
 * another kind is refused with a note naming the file and what is wrong, and computed again; one
 * recorded by a newer gflownet-ts is computed here and left in place for that version. Both files
 * are written to a temporary name and renamed, so an interrupted write never leaves a half table
 * under the real name. The data is read in one pass straight into the returned array (checksummed
 * chunk by chunk as it arrives) and written straight from it: no copy of the table besides the
 * table itself.
 */

/** Identifies a cached table's record. */
export const TABLE_CACHE_FORMAT = 'gflownet-ts-table';
/** The record layout this gflownet-ts writes. */
export const TABLE_CACHE_VERSION = 1;
const ACCEPTED: AcceptedFormat = { format: TABLE_CACHE_FORMAT, oldest: 1, newest: TABLE_CACHE_VERSION, what: 'gflownet-ts table cache record' };

/** Where cached tables go: `$GFN_CACHE_DIR`, else `$XDG_CACHE_HOME/gflownet-ts`, else `~/.cache/gflownet-ts`. */
export function defaultCacheDir(): string {
  if (process.env.GFN_CACHE_DIR) return process.env.GFN_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gflownet-ts');
}

/** What {@link loadOrComputeTable} did. */
export type CacheOutcome = 'loaded' | 'computed' | 'recomputed';

const paths = (dir: string, key: string) => ({ record: join(dir, `${key}.json`), data: join(dir, `${key}.f64`) });
/** Bytes read or written per system call: small beside the table, large enough that calls cost nothing. */
const CHUNK_BYTES = 16 << 20;
/** The file holds little-endian values; a big-endian host swaps them. */
const LITTLE_ENDIAN_HOST = endianness() === 'LE';
/** How progress lines and notes name the table. */
const nameOf = (spec: CachedTableSpec): string => spec.description ?? `table ${spec.key}`;
const bytesOf = (table: Float64Array): Uint8Array => new Uint8Array(table.buffer, table.byteOffset, table.byteLength);

/** Opens progress reports for a step named by its label (a host prints them, tests record them). */
export type ProgressFactory = (label: string) => ProgressSink;

/** The checksum of the table `text` (a record) describes, or why the record is refused. */
function readRecord(text: string, spec: CachedTableSpec): { sha256: string } | FileRefusal {
  const read = readVersionedJson(text, ACCEPTED);
  if ('problem' in read) return read;
  const { key, length, sha256 } = read.doc;
  if (key !== spec.key || length !== spec.length)
    return { problem: `describes another table (${JSON.stringify(key)}, ${length} values; expected ${spec.key}, ${spec.length})`, newer: false };
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return { problem: 'has no valid "sha256" checksum', newer: false };
  return { sha256 };
}

/**
 * Reads the data file into a new array in one pass, hashing each chunk as it lands; the sha256 of
 * the file's bytes, or why its size is wrong.
 */
function readData(path: string, length: number, progress: ProgressSink): { table: Float64Array; sha256: string } | string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size !== length * 8) return `is truncated or padded: ${size} bytes, expected ${length * 8} (${length} float64 values)`;
    const table = new Float64Array(length);
    const bytes = bytesOf(table);
    const hash = createHash('sha256');
    for (let at = 0; at < size; ) {
      const n = readSync(fd, bytes, at, Math.min(CHUNK_BYTES, size - at), at);
      if (n === 0) return `is truncated: it ended at byte ${at} while being read, expected ${size}`;
      hash.update(bytes.subarray(at, at + n));
      at += n;
      progress.update(at / size);
    }
    if (!LITTLE_ENDIAN_HOST) Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).swap64();
    return { table, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

/** The table cached in `dir`, 'missing' when neither file is there, or why the cached copy is refused (the problem names the file). */
function tryLoad(dir: string, spec: CachedTableSpec, progress: ProgressFactory): Float64Array | 'missing' | FileRefusal {
  const at = paths(dir, spec.key);
  const [hasRecord, hasData] = [existsSync(at.record), existsSync(at.data)];
  if (!hasRecord && !hasData) return 'missing';
  const refuse = (file: string, problem: string, newer = false): FileRefusal => ({ problem: `${file} ${problem}`, newer });
  if (!hasRecord) return refuse(at.data, `has no record ${at.record} beside it (an interrupted write?)`);
  let record: ReturnType<typeof readRecord>;
  try {
    record = readRecord(readFileSync(at.record, 'utf8'), spec);
  } catch (err) {
    return refuse(at.record, `could not be read (${(err as Error).message})`);
  }
  if ('problem' in record) return refuse(at.record, record.problem, record.newer);
  if (!hasData) return refuse(at.data, `is missing (its record ${at.record} is there)`);
  const reporter = progress(`loading ${nameOf(spec)} from ${at.data}`);
  let data: ReturnType<typeof readData>;
  try {
    data = readData(at.data, spec.length, reporter);
  } catch (err) {
    return refuse(at.data, `could not be read (${(err as Error).message})`);
  } finally {
    reporter.done();
  }
  if (typeof data === 'string') return refuse(at.data, data);
  if (data.sha256 !== record.sha256) return refuse(at.data, `is corrupted: its sha256 does not match the one in ${at.record}`);
  return data.table;
}

/** Writes the table's bytes (little-endian) to `path` in chunks; their sha256. */
function writeData(path: string, table: Float64Array): string {
  const hash = createHash('sha256');
  const bytes = bytesOf(table);
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      let chunk = bytes.subarray(at, Math.min(at + CHUNK_BYTES, bytes.length));
      if (!LITTLE_ENDIAN_HOST) chunk = Buffer.from(chunk).swap64();
      hash.update(chunk);
      for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function save(dir: string, spec: CachedTableSpec, table: Float64Array): void {
  mkdirSync(dir, { recursive: true });
  const at = paths(dir, spec.key);
  const tmp = `.${process.pid}.tmp`;
  const checksum = writeData(`${at.data}${tmp}`, table);
  renameSync(`${at.data}${tmp}`, at.data);
  const record = { format: TABLE_CACHE_FORMAT, version: TABLE_CACHE_VERSION, key: spec.key, length: table.length, sha256: checksum };
  writeFileSync(`${at.record}${tmp}`, JSON.stringify(record));
  renameSync(`${at.record}${tmp}`, at.record);
}

/**
 * The cached table if `dir` holds a valid copy, else computes it and caches it. A cached copy that
 * is refused, and a cache directory that cannot be written, are not errors: the computed table is
 * returned and `onNote` says what was wrong. Loading and computing each report to a sink from
 * `progress` (labelled "loading <description> from <file>", "building <description>").
 */
export function loadOrComputeTable(
  spec: CachedTableSpec,
  dir: string = defaultCacheDir(),
  onNote: (message: string) => void = () => {},
  progress: ProgressFactory = () => silentProgress,
): { table: Float64Array; outcome: CacheOutcome } {
  const cached = tryLoad(dir, spec, progress);
  if (cached instanceof Float64Array) return { table: cached, outcome: 'loaded' };
  if (cached !== 'missing')
    onNote(`cached table ${spec.key}: ${cached.problem}; computing it again${cached.newer ? ' (the newer file is left in place)' : ''}`);
  const building = progress(`building ${nameOf(spec)}`);
  let table: Float64Array;
  try {
    table = spec.compute((fraction) => building.update(fraction));
  } finally {
    building.done();
  }
  if (table.length !== spec.length) throw new Error(`table ${spec.key}: computed ${table.length} values, expected ${spec.length}`);
  if (cached !== 'missing' && cached.newer) return { table, outcome: 'recomputed' };
  try {
    save(dir, spec, table);
  } catch (err) {
    onNote(`table ${spec.key} could not be cached in ${dir} (${(err as Error).message}); it will be computed again next time`);
  }
  return { table, outcome: cached === 'missing' ? 'computed' : 'recomputed' };
}
