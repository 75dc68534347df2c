import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CachedTableSpec } from '../../core/base/file-access.js';
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
 * under the real name.
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

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const paths = (dir: string, key: string) => ({ record: join(dir, `${key}.json`), data: join(dir, `${key}.f64`) });

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

/** The table cached in `dir`, 'missing' when neither file is there, or why the cached copy is refused (the problem names the file). */
function tryLoad(dir: string, spec: CachedTableSpec): Float64Array | 'missing' | FileRefusal {
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(at.data);
  } catch (err) {
    return refuse(at.data, `could not be read (${(err as Error).message})`);
  }
  if (bytes.length !== spec.length * 8)
    return refuse(at.data, `is truncated or padded: ${bytes.length} bytes, expected ${spec.length * 8} (${spec.length} float64 values)`);
  if (sha256(bytes) !== record.sha256) return refuse(at.data, `is corrupted: its sha256 does not match the one in ${at.record}`);
  const out = new Float64Array(spec.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < spec.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

function save(dir: string, spec: CachedTableSpec, table: Float64Array): void {
  mkdirSync(dir, { recursive: true });
  const at = paths(dir, spec.key);
  const bytes = Buffer.alloc(table.length * 8);
  for (let i = 0; i < table.length; i++) bytes.writeDoubleLE(table[i]!, i * 8);
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(`${at.data}${tmp}`, bytes);
  renameSync(`${at.data}${tmp}`, at.data);
  const record = { format: TABLE_CACHE_FORMAT, version: TABLE_CACHE_VERSION, key: spec.key, length: table.length, sha256: sha256(bytes) };
  writeFileSync(`${at.record}${tmp}`, JSON.stringify(record));
  renameSync(`${at.record}${tmp}`, at.record);
}

/**
 * The cached table if `dir` holds a valid copy, else computes it and caches it. A cached copy that
 * is refused, and a cache directory that cannot be written, are not errors: the computed table is
 * returned and `onNote` says what was wrong.
 */
export function loadOrComputeTable(
  spec: CachedTableSpec,
  dir: string = defaultCacheDir(),
  onNote: (message: string) => void = () => {},
): { table: Float64Array; outcome: CacheOutcome } {
  const cached = tryLoad(dir, spec);
  if (cached instanceof Float64Array) return { table: cached, outcome: 'loaded' };
  if (cached !== 'missing')
    onNote(`cached table ${spec.key}: ${cached.problem}; computing it again${cached.newer ? ' (the newer file is left in place)' : ''}`);
  const table = spec.compute();
  if (table.length !== spec.length) throw new Error(`table ${spec.key}: computed ${table.length} values, expected ${spec.length}`);
  if (cached !== 'missing' && cached.newer) return { table, outcome: 'recomputed' };
  try {
    save(dir, spec, table);
  } catch (err) {
    onNote(`table ${spec.key} could not be cached in ${dir} (${(err as Error).message}); it will be computed again next time`);
  }
  return { table, outcome: cached === 'missing' ? 'computed' : 'recomputed' };
}
