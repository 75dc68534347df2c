import { existsSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import type { Contribution, JsonSchema, OptionsSchema, Plugin } from '../core/plugin/plugin.js';
import type { Engine } from '../core/tensor/dense-chain.js';
import { PluginRegistry, SECTION_KINDS, type SectionName } from '../core/plugin/plugin.js';
import { loadPlugins } from '../plugins/loader.js';
import { readRawConfig } from '../plugins/node/config-file.js';

/** What `gfn list` lists: the built-in plugin, or the plugins given by path or named by a config. */
export interface ListOptions {
  /** Plugin modules (paths relative to the working directory, or package names). */
  plugins?: readonly string[];
  /** A config file whose `plugins` are listed (paths relative to the config). */
  config?: string;
}

/**
 * `gfn list`: every built-in environment, objective and estimator with its options and defaults;
 * `gfn list --plugin <path>` / `gfn list <config.json>`: the same for the plugins given or listed
 * by the config (loaded exactly as `gfn train` loads them).
 */
export async function listCommand(options: ListOptions = {}): Promise<string> {
  // imported when the command runs (start-up time of the other commands)
  const { builtinPlugin } = await import('../plugins/builtin/index.js');
  const specs = [...(options.plugins ?? [])];
  // `--plugin my-plugin/index.ts` means the file when it exists, as a shell user would expect
  const loaded = await loadPlugins(
    specs.map((s) => (existsSync(s) ? resolvePath(s) : s)),
    process.cwd(),
  );
  if (options.config) {
    const raw = readRawConfig(options.config);
    const listed = Array.isArray(raw.plugins) ? raw.plugins.map(String) : [];
    loaded.push(...(await loadPlugins(listed, dirname(options.config))));
    specs.push(...listed);
  }
  if (specs.length === 0 && !options.config) return listRegistry(new PluginRegistry([builtinPlugin]));
  if (loaded.length === 0) return `${options.config} lists no plugins; built-in contributions: gfn list\n`;
  // registering them together with the built-in one reports name clashes as gfn train would
  new PluginRegistry([builtinPlugin, ...loaded]);
  return loaded.map((p, i) => listPlugin(p, specs[i]!)).join('\n');
}

/** Every contribution of a registry, by section, then its subscribers. */
export function listRegistry(registry: PluginRegistry): string {
  const lines: string[] = [];
  for (const section of Object.keys(SECTION_KINDS) as SectionName[]) {
    lines.push(`${SECTION_KINDS[section].label}s (config "${section}.name"):`);
    lines.push(...contributionLines([...registry.section(section).values()]));
    lines.push('');
  }
  lines.push('subscribers (always attached):');
  for (const s of registry.subscribers.values()) lines.push(`  ${s.name} — ${s.description}`);
  lines.push('', 'engines (config "engine.name"; also "auto" and "backend"):');
  lines.push(...engineLines([...registry.engines.values()]));
  return `${lines.join('\n')}\n`;
}

/** One plugin's contributions, by section (empty sections left out). */
function listPlugin(plugin: Plugin, spec: string): string {
  const lines = [`plugin '${plugin.name}' (${spec}):`];
  const sections: Array<[string, readonly Contribution<unknown>[] | undefined]> = [
    [`environments (config "env.name")`, [...(plugin.envs ?? []), ...(plugin.classicEnvs ?? [])]],
    [`objectives (config "objective.name")`, plugin.objectives],
    [`estimators (config "estimator.name")`, plugin.estimators],
  ];
  for (const [title, list] of sections) {
    if (!list || list.length === 0) continue;
    lines.push(`  ${title}:`, ...contributionLines(list).map((l) => `  ${l}`));
  }
  if (plugin.subscribers?.length)
    lines.push(
      '  subscribers (attached to every run of a config that lists the plugin):',
      ...plugin.subscribers.map((s) => `    ${s.name} — ${s.description}`),
    );
  if (plugin.engines?.length) lines.push('  engines (config "engine.name"):', ...engineLines(plugin.engines).map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

/** An engine per line, with why it cannot run here when it cannot. */
function engineLines(engines: readonly Engine[]): string[] {
  return engines.map((e) => {
    const why = e.unavailable();
    return `  ${e.name} — ${e.description}${why === undefined ? '' : ` (not available here: ${why})`}`;
  });
}

function contributionLines(list: readonly Contribution<unknown>[]): string[] {
  const lines: string[] = [];
  for (const c of [...list].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`  ${c.name} — ${c.description}`);
    for (const [key, schema] of Object.entries(c.schema.properties)) lines.push(`      ${key}: ${describeOption(schema, isRequired(c.schema, key))}`);
  }
  return lines;
}

function isRequired(schema: OptionsSchema, key: string): boolean {
  return schema.required?.includes(key) ?? false;
}

function describeOption(schema: JsonSchema, required: boolean): string {
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(' | ')}`);
  else if (schema.type) parts.push(String(schema.type));
  // alternatives such as logZInit's: a number | "auto"
  else if (Array.isArray(schema.anyOf))
    parts.push(
      (schema.anyOf as JsonSchema[]).map((b) => (Array.isArray(b.enum) ? b.enum.map((v) => JSON.stringify(v)).join(' | ') : String(b.type))).join(' | '),
    );
  if (schema.minimum !== undefined) parts.push(`>= ${String(schema.minimum)}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${String(schema.exclusiveMinimum)}`);
  if (schema.maximum !== undefined) parts.push(`<= ${String(schema.maximum)}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${String(schema.exclusiveMaximum)}`);
  if (required) parts.push('required');
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  const desc = typeof schema.description === 'string' ? ` — ${schema.description}` : '';
  return parts.join(', ') + desc;
}
