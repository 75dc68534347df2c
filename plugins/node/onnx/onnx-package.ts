import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../package-root.js';

/** The package that provides the native runtime: an optional peer dependency. */
export const RUNTIME_PACKAGE = 'onnxruntime-node';

/**
 * The environment variable naming the folder of an `onnxruntime-node` package to use instead of
 * the one that resolves from gflownet-ts (another version, a build of one's own; the tests point it
 * at stand-ins).
 */
export const RUNTIME_FOLDER_VARIABLE = 'GFN_ONNXRUNTIME_NODE';

/** An installed `onnxruntime-node`: its folder, its main module and its version. */
export interface RuntimePackage {
  dir: string;
  main: string;
  version: string;
}

/** Reads the package.json of `dir` when it is onnxruntime-node's. */
function manifestAt(dir: string): { version?: unknown; main?: unknown } | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown; main?: unknown };
  return manifest.name === RUNTIME_PACKAGE ? manifest : undefined;
}

/**
 * The `onnxruntime-node` this process uses: the folder {@link RUNTIME_FOLDER_VARIABLE} names, else
 * the one that resolves from this module; undefined when none is installed. A folder named by the
 * variable that holds no such package is an error naming it.
 */
export function locateRuntime(): RuntimePackage | undefined {
  const named = process.env[RUNTIME_FOLDER_VARIABLE];
  if (named) {
    const dir = resolve(named);
    const manifest = manifestAt(dir);
    if (!manifest) throw new Error(`${RUNTIME_FOLDER_VARIABLE}=${named}: no package.json of ${RUNTIME_PACKAGE} in ${dir}`);
    return { dir, main: createRequire(join(dir, 'package.json')).resolve(dir), version: String(manifest.version) };
  }
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve(RUNTIME_PACKAGE);
  } catch {
    return undefined;
  }
  // the package's folder is the nearest one above its main module with its package.json
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = manifestAt(dir);
    if (manifest) return { dir, main, version: String(manifest.version) };
  }
  throw new Error(`${RUNTIME_PACKAGE} resolves to ${main}, with no package.json of it above`);
}

let tested: string | undefined;

/** The versions of onnxruntime-node gflownet-ts is tested with: the range its package.json gives the peer dependency. */
export function testedRuntimeRange(): string {
  if (tested === undefined) {
    const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
    const range = manifest.peerDependencies?.[RUNTIME_PACKAGE];
    if (!range) throw new Error(`gflownet-ts's package.json gives ${RUNTIME_PACKAGE} no peer dependency range`);
    tested = range;
  }
  return tested;
}

/**
 * How to install a tested version, also where only the npm registry is reachable: the package's
 * install script only downloads optional CUDA libraries from elsewhere (the CPU runtime is in the
 * tarball) and fails there; `npm deny-scripts` (npm 11.16 and later) records that in the project's
 * `allowScripts`, so that later installs (`npm ci`) skip it too.
 */
export function installAdvice(): string {
  return `npm install ${RUNTIME_PACKAGE}@"${testedRuntimeRange()}" --ignore-scripts, then, with npm 11.16 or later, npm deny-scripts ${RUNTIME_PACKAGE}`;
}

/**
 * Turns ONNX Runtime's telemetry off for this process unless the environment already decides
 * (`ORT_DISABLE_TELEMETRY=0` keeps it on). With it on, every process that starts the runtime
 * leaves `mat-debug-<pid>.log` and `.ses` in the temporary folder and a database under
 * `~/.cache/Microsoft/DeveloperTools`. The runtime reads the variable once, when it starts, from
 * the process's environment, which only the main thread's `process.env` writes to: call this there
 * before the runtime first loads, in this thread or a worker.
 */
export function quietRuntime(): void {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
}
