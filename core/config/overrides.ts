/**
 * Applies `--set a.b.c=value` overrides to a raw config (before validation). The value is parsed
 * as JSON when it can be (numbers, booleans, arrays, objects), else taken as a string.
 */
export function applyOverrides(config: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const out = structuredClone(config);
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new Error(`--set ${JSON.stringify(o)}: expected key=value, e.g. --set env.height=16`);
    const path = o.slice(0, eq).split('.');
    if (path.some((p) => p.length === 0)) throw new Error(`--set ${JSON.stringify(o)}: empty segment in key ${JSON.stringify(o.slice(0, eq))}`);
    const raw = o.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new Error(`--set ${JSON.stringify(o)}: "${key}" is not an object in the config`);
      }
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return out;
}
