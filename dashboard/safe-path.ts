import { realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';

/**
 * The real path of `rel` under `root` (itself a real path), or undefined when it is not a
 * readable path inside the root: absolute paths, `..` segments, NUL bytes, and paths whose real
 * location (after following symbolic links) lies outside the root are refused. `rel` is taken as
 * given (already URL-decoded once); a literal `%2e%2e` stays a file name.
 */
export function resolveInside(root: string, rel: string): string | undefined {
  if (rel.includes('\0') || isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) return undefined;
  if (rel.split(/[\\/]/).some((segment) => segment === '..')) return undefined;
  const full = resolve(root, rel);
  if (!within(root, full)) return undefined;
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return undefined;
  }
  return within(root, real) ? real : undefined;
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
