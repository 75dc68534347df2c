import { type JsonSchema, PluginRegistry, SECTION_KINDS, type SectionName } from '../core/plugin.js';

/** `gfn list` of the bundled plugins (imported here, when the command runs). */
export async function listBuiltins(): Promise<string> {
  const { builtinPlugin } = await import('../plugins/builtin/index.js');
  return listCommand(new PluginRegistry([builtinPlugin]));
}

/** `gfn list`: every registered environment, objective and estimator with its options and defaults. */
export function listCommand(registry: PluginRegistry): string {
  const lines: string[] = [];
  for (const section of Object.keys(SECTION_KINDS) as SectionName[]) {
    lines.push(`${SECTION_KINDS[section].label}s (config "${section}.name"):`);
    for (const c of [...registry.section(section).values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`  ${c.name} — ${c.description}`);
      for (const [key, schema] of Object.entries(c.schema.properties)) lines.push(`      ${key}: ${describeOption(schema)}`);
    }
    lines.push('');
  }
  lines.push('subscribers (always attached):');
  for (const s of registry.subscribers.values()) lines.push(`  ${s.name} — ${s.description}`);
  return `${lines.join('\n')}\n`;
}

function describeOption(schema: JsonSchema): string {
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(' | ')}`);
  else if (schema.type) parts.push(String(schema.type));
  if (schema.minimum !== undefined) parts.push(`>= ${String(schema.minimum)}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${String(schema.exclusiveMinimum)}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  const desc = typeof schema.description === 'string' ? ` — ${schema.description}` : '';
  return parts.join(', ') + desc;
}
