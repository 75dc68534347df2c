import { dirname } from 'node:path';
import { readRawConfig } from '../core/config/load.js';
import { resolveConfig } from '../core/config/validate.js';
import { PluginRegistry } from '../core/plugin.js';
import { train } from '../core/training/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { loadPlugins } from '../plugins/loader.js';
import { runDirectory } from '../plugins/loggers/jsonl.js';

/** `gfn train <config>`: validate everything first, then train and print the final evaluation. */
export async function trainCommand(configPath: string, overrides: readonly string[]): Promise<void> {
  const raw = readRawConfig(configPath, overrides);
  const extra = Array.isArray(raw.plugins) ? await loadPlugins(raw.plugins.map(String), dirname(configPath)) : [];
  const registry = new PluginRegistry([builtinPlugin, ...extra]);
  const config = resolveConfig(raw, registry);
  const { finished } = await train(config, registry);
  const ev = finished.lastEvaluation;
  const parts = ev ? Object.entries(ev.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`) : ['no evaluation'];
  process.stdout.write(`final (iteration ${finished.iterations}): ${parts.join(', ')}\n`);
  process.stdout.write(`outputs: ${runDirectory(config)}/\n`);
}
