/**
 * The public API of gflownet-ts in browsers (`import … from 'gflownet-ts/browser'`, or
 * `'gflownet-ts'` through the package's `browser` export condition): the plugin author's kit and a
 * bundled plugin without file-system subscribers. Trains with the wasm backend (call
 * `setWasmPaths` with the URL of the backend's `.wasm` files first) or the cpu backend.
 */
import type { FileAccess } from '../core/base/file-access.js';
import { definePlugin, type Plugin } from '../core/plugin/plugin.js';
import { builtinContributions } from './builtin/contributions.js';
import { evaluatorSubscriber } from './builtin/evaluation.js';
import { preloadedFiles } from './preloaded-files.js';

export * from './plugin-kit.js';
export { preloadedFiles } from './preloaded-files.js';
export { setWasmPaths, type WasmBinaryName } from './wasm-paths.js';

/**
 * The bundled environments, objectives and estimators, with the exact evaluator as the only
 * subscriber (a page reads metrics from the event bus). Data files some environments need
 * (tfbind8, qm9str, a DAG's CSV) come from `files`.
 */
export function createBrowserPlugin(files: FileAccess = preloadedFiles()): Plugin {
  return definePlugin({ name: 'builtin', ...builtinContributions(files), subscribers: [evaluatorSubscriber] });
}

/** {@link createBrowserPlugin} without data files: every environment but tfbind8 and qm9str. */
export const builtinPlugin: Plugin = createBrowserPlugin();
