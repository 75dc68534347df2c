import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder of gflownet-ts's package.json. Modules run from the sources (`plugins/node/`) or
 * compiled (`dist/plugins/node/`); both find the package's shipped files (`envs/data/`, `configs/`)
 * from here.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gflownet-ts') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`gflownet-ts: no package.json of gflownet-ts above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
