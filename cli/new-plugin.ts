import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve as resolvePath } from 'node:path';
import { packageRoot } from '../plugins/node/package-root.js';
import { packLibrary } from './pack-library.js';

/** Options of `gfn new-plugin`. */
export interface NewPluginOptions {
  /** npm name of the plugin package (default: the folder's name). */
  name?: string;
  /**
   * Dependency spec of gflownet-ts, written as is (e.g. `^0.1.0` from the registry, a git URL, a
   * tarball `file:…`). Default: the running gflownet-ts itself, packed into the new project as
   * `gflownet-ts-<version>.tgz` and named `file:gflownet-ts-<version>.tgz`, so that the project
   * installs without the npm registry.
   */
  library?: string;
}

/** Files the template ships under another name: npm leaves `.gitignore` files out of packages. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/**
 * `gfn new-plugin <dir>`: writes a ready plugin project from the template shipped with the package
 * (`templates/plugin/`): a `package.json` (ES module, gflownet-ts as a dependency, the tensor
 * library as the peer it shares with gflownet-ts), a tsconfig that type-checks against the shipped
 * declarations, a skeleton environment and objective, a config and a test that runs the
 * conformance kit. Refuses a folder that exists and is not empty. Unless `options.library` says
 * otherwise, the project depends on this very copy of gflownet-ts, packed into it (see
 * {@link packLibrary}). Returns what to do next.
 */
export function newPluginCommand(dir: string, options: NewPluginOptions = {}): string {
  const target = resolvePath(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`new-plugin: ${dir} exists and is not empty; give a new folder`);
  const name = options.name ?? npmName(basename(target));
  const library = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as Manifest;
  mkdirSync(target, { recursive: true });
  // packed first: if npm pack fails, the folder is left empty and the command can be run again
  const packed = options.library === undefined ? packLibrary(target, library.version) : undefined;
  const spec = options.library ?? `file:${packed!.file}`;
  const written = copyTemplate(join(packageRoot(), 'templates', 'plugin'), target, name);
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(pluginManifest(name, library, spec), null, 2)}\n`);
  written.push('package.json', ...(packed ? [packed.file] : []));
  const shown = relative(process.cwd(), target) || '.';
  return [
    `wrote ${written.length} files to ${shown}/: ${written.sort().join(', ')}`,
    ...(packed
      ? [
          `gflownet-ts: "${spec}" in package.json: the copy this gfn runs from (${packed.from}), packed into the project`,
          `  (once gflownet-ts is published on the npm registry, "^${library.version}" there takes it from the registry; --library <spec> names another source)`,
        ]
      : [`gflownet-ts: "${spec}" in package.json (--library)`]),
    'next:',
    `  cd ${shown}`,
    `  npm install                 # gflownet-ts (${spec}), then builds dist/ from src/`,
    '  npm test                    # conformance kit on the environment and the objective',
    '  npx gfn train config.json   # trains the skeleton',
    '',
  ].join('\n');
}

interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The plugin project's package.json: versions of the shared packages are gflownet-ts's own. */
function pluginManifest(name: string, library: Manifest, librarySpec: string): Record<string, unknown> {
  const dep = (pkg: string): string => {
    const range = library.dependencies?.[pkg] ?? library.devDependencies?.[pkg];
    if (!range) throw new Error(`new-plugin: gflownet-ts's package.json does not name ${pkg}`);
    return range;
  };
  return {
    name,
    version: '0.1.0',
    private: true,
    description: 'A gflownet-ts plugin',
    // the plugin is an ES module, like gflownet-ts: without this, loading it fails
    type: 'module',
    main: 'dist/index.js',
    exports: './dist/index.js',
    scripts: { build: 'tsc -p tsconfig.json', prepare: 'npm run build', test: 'vitest run', train: 'gfn train config.json' },
    dependencies: { 'gflownet-ts': librarySpec },
    // one tensor engine: the plugin's tensors and gflownet-ts's must come from the same copy
    peerDependencies: { '@tensorflow/tfjs-core': dep('@tensorflow/tfjs-core') },
    devDependencies: { typescript: dep('typescript'), vitest: dep('vitest') },
  };
}

/** Copies the template, renaming shipped names and filling in the plugin's name; returns the files written. */
function copyTemplate(from: string, to: string, name: string, prefix = ''): string[] {
  mkdirSync(to, { recursive: true });
  const written: string[] = [];
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const targetName = RENAMED[entry] ?? entry;
    if (statSync(source).isDirectory()) {
      written.push(...copyTemplate(source, join(to, targetName), name, `${prefix}${targetName}/`));
      continue;
    }
    writeFileSync(join(to, targetName), readFileSync(source, 'utf8').replaceAll('__PLUGIN_NAME__', name));
    written.push(prefix + targetName);
  }
  return written;
}

/** A valid npm package name from a folder name. */
function npmName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name || 'gfn-plugin';
}
