import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from '../core/plugin/plugin.js';
import { moduleTypeHint } from './module-type-hint.js';

/**
 * Loads the plugins a config lists. Entries starting with `.` or `/` are paths (relative to
 * `baseDir`, the config's folder); others are package names. A module must export its plugin as
 * `default` or as `plugin`. Only listed modules are loaded.
 */
export async function loadPlugins(specifiers: readonly string[], baseDir: string): Promise<Plugin[]> {
  const plugins: Plugin[] = [];
  for (const spec of specifiers) {
    const isPath = spec.startsWith('.') || isAbsolute(spec);
    const target = isPath ? pathToFileURL(resolvePath(baseDir, spec)).href : spec;
    let mod: { default?: unknown; plugin?: unknown };
    try {
      mod = (await import(target)) as { default?: unknown; plugin?: unknown };
    } catch (err) {
      // the installed gfn is compiled JavaScript: Node (before type stripping) cannot import a .ts plugin
      const hint =
        (err as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION'
          ? ' (compile the plugin to JavaScript, or run gfn through tsx: npx tsx <path of gfn>)'
          : isPath
            ? moduleTypeHint(resolvePath(baseDir, spec), err)
            : '';
      throw new Error(`plugin '${spec}' failed to load: ${(err as Error).message}${hint}`);
    }
    const candidate = (mod.default ?? mod.plugin) as Partial<Plugin> | undefined;
    if (!candidate || typeof candidate !== 'object' || typeof candidate.name !== 'string') {
      throw new Error(`plugin '${spec}' does not export a plugin (expected a default or 'plugin' export made with definePlugin)`);
    }
    plugins.push(candidate as Plugin);
  }
  return plugins;
}
