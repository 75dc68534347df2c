import { basename, dirname, resolve as resolvePath } from 'node:path';
import type { CheckpointDocument } from '../../core/training/run-state.js';
import { applyOverrides } from '../../core/config/overrides.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import { type Plugin, PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../builtin/index.js';
import { loadPlugins } from '../loader.js';
import { checkpointFileOf, readCheckpoint } from '../../run-folder/checkpoint-file.js';

/** A run rebuilt from its checkpoint: the config (with any overrides), its plugins and the saved state. */
export interface CheckpointedRun {
  config: ResolvedConfig;
  registry: PluginRegistry;
  checkpoint: CheckpointDocument;
}

/**
 * Reads the checkpoint of the run in `runDir`, loads the plugins its config lists and re-validates
 * the config with `overrides` applied (e.g. `iterations=200` to train longer). Outputs stay in
 * `runDir` even if the folder was moved or renamed since. `plugins` are registered besides the
 * built-in ones and those the config lists (plugins a program defines in-process).
 */
export async function openCheckpointedRun(runDir: string, overrides: readonly string[] = [], plugins: readonly Plugin[] = []): Promise<CheckpointedRun> {
  const checkpoint = readCheckpoint(runDir);
  const dir = dirname(resolvePath(checkpointFileOf(runDir)));
  const raw = applyOverrides(structuredClone(checkpoint.config) as unknown as Record<string, unknown>, overrides);
  const logging = (raw.logging ?? {}) as Record<string, unknown>;
  raw.logging = { ...logging, dir: dirname(dir) };
  raw.name = basename(dir);
  // plugin paths were made absolute when the run started (see `gfn train`); relative ones resolve from the run folder
  const extra = Array.isArray(raw.plugins) ? await loadPlugins(raw.plugins.map(String), dir) : [];
  const registry = new PluginRegistry([builtinPlugin, ...plugins, ...extra]);
  return { config: resolveConfig(raw, registry), registry, checkpoint };
}
