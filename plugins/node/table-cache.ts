import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CachedTableSpec } from '../../core/base/file-access.js';

/**
 * The Node host's cache of large float64 tables computed from shipped data (e.g. the sEH proxy's 34M
 * predictions, {@link CachedTableSpec}), on disk so that each is computed once per machine. The
 * cache file is `<dir>/<key>.f64` (little-endian float64) beside `<key>.json` holding its length and
 * sha256; a file whose length or checksum does not match is recomputed, never trusted. Both are
 * written to a temporary name and renamed, so an interrupted write never leaves a half table under
 * the real name.
 */

/** Where cached tables go: `$GFN_CACHE_DIR`, else `$XDG_CACHE_HOME/gflownet-ts`, else `~/.cache/gflownet-ts`. */
export function defaultCacheDir(): string {
  if (process.env.GFN_CACHE_DIR) return process.env.GFN_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gflownet-ts');
}

/** What {@link loadOrComputeTable} did. */
export type CacheOutcome = 'loaded' | 'computed' | 'recomputed';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tryLoad(dir: string, spec: CachedTableSpec): Float64Array | 'missing' | 'invalid' {
  let meta: { length?: unknown; sha256?: unknown };
  let bytes: Buffer;
  try {
    meta = JSON.parse(readFileSync(join(dir, `${spec.key}.json`), 'utf8')) as typeof meta;
    bytes = readFileSync(join(dir, `${spec.key}.f64`));
  } catch {
    return 'missing';
  }
  if (meta.length !== spec.length || bytes.length !== spec.length * 8 || meta.sha256 !== sha256(bytes)) return 'invalid';
  const out = new Float64Array(spec.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < spec.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

function save(dir: string, spec: CachedTableSpec, table: Float64Array): void {
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.alloc(table.length * 8);
  for (let i = 0; i < table.length; i++) bytes.writeDoubleLE(table[i]!, i * 8);
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(join(dir, `${spec.key}.f64${tmp}`), bytes);
  renameSync(join(dir, `${spec.key}.f64${tmp}`), join(dir, `${spec.key}.f64`));
  writeFileSync(join(dir, `${spec.key}.json${tmp}`), JSON.stringify({ length: table.length, sha256: sha256(bytes) }));
  renameSync(join(dir, `${spec.key}.json${tmp}`), join(dir, `${spec.key}.json`));
}

/**
 * The cached table if `dir` holds a valid copy, else computes it and caches it. A cache directory
 * that cannot be written is not an error: the computed table is returned and `onNote` says why it
 * was not kept.
 */
export function loadOrComputeTable(
  spec: CachedTableSpec,
  dir: string = defaultCacheDir(),
  onNote: (message: string) => void = () => {},
): { table: Float64Array; outcome: CacheOutcome } {
  const cached = tryLoad(dir, spec);
  if (cached instanceof Float64Array) return { table: cached, outcome: 'loaded' };
  const table = spec.compute();
  if (table.length !== spec.length) throw new Error(`table ${spec.key}: computed ${table.length} values, expected ${spec.length}`);
  try {
    save(dir, spec, table);
  } catch (err) {
    onNote(`table ${spec.key} could not be cached in ${dir} (${(err as Error).message}); it will be computed again next time`);
  }
  return { table, outcome: cached === 'missing' ? 'computed' : 'recomputed' };
}
