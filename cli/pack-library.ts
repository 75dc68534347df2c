import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../plugins/node/package-root.js';

/** A tarball of the running gflownet-ts. */
export interface PackedLibrary {
  /** File name of the tarball (`gflownet-ts-<version>.tgz`) in the folder it was written to. */
  file: string;
  /** The folder of the package that was packed. */
  from: string;
}

/**
 * Packs the running gflownet-ts with `npm pack` into `dir`, so that a project can depend on this
 * very copy without the npm registry. An installed package (no sources beside it) is packed as
 * installed, its scripts skipped: its `prepare` would try to build from sources it does not have.
 * A checkout of the repository is packed the usual way, which builds `dist/` first.
 */
export function packLibrary(dir: string, version: string): PackedLibrary {
  const from = packageRoot();
  const checkout = existsSync(join(from, 'tsconfig.build.json'));
  const args = ['pack', '--pack-destination', dir, '--loglevel', 'error', ...(checkout ? [] : ['--ignore-scripts'])];
  if (checkout) process.stderr.write(`new-plugin: packing gflownet-ts from ${from} (npm pack builds dist/ first)\n`);
  const result = spawnSync('npm', args, {
    cwd: from,
    encoding: 'utf8',
    shell: process.platform === 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const file = `gflownet-ts-${version}.tgz`;
  if (result.status !== 0 || !existsSync(join(dir, file))) {
    const why = result.error?.message ?? (result.stderr.trim().split('\n').slice(-5).join('\n') || `exit code ${result.status}`);
    throw new Error(
      `new-plugin: could not pack gflownet-ts from ${from} with npm pack (${why}); name the library yourself with --library <spec>, e.g. a tarball file:/path/to/gflownet-ts-${version}.tgz or a git URL`,
    );
  }
  return { file, from };
}
