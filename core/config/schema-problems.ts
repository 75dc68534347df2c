import type { ErrorObject } from 'ajv';
import { didYouMean, nearestName } from '../base/suggest.js';

/**
 * Turns ajv's errors into one line per problem: `field "<path>" = <value>: <reason>` (or
 * `field "<path>" is required`), with the valid choices and, for a misspelt name, the nearest one.
 * `prefix` is the path of `data` in the config (a section's name, or '' for the whole config).
 */
export function describeSchemaErrors(errors: readonly ErrorObject[], data: unknown, prefix: string): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    const keys = pointerKeys(e.instancePath);
    const path = [prefix, ...keys].filter(Boolean).join('.');
    // a field with alternatives (e.g. a number or "auto"): one line naming them all, not one per branch
    if (e.schemaPath.includes('/anyOf/')) continue;
    if (e.keyword === 'anyOf') {
      const branches = e.schema as { enum?: unknown[] }[];
      const named = branches.flatMap((b) => b.enum ?? []);
      out.add(`${field(path)} = ${show(e.data)}: must be ${alternatives(branches).join(' or ')}${didYouMean(e.data, strings(named))}`);
    } else if (e.keyword === 'additionalProperty' || e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const valid = Object.keys(((e.parentSchema as { properties?: object }).properties ?? {}) as object).filter((k) => k !== '$schema');
      const value = objectAt(data, keys)[key];
      out.add(
        `${field(path ? `${path}.${key}` : key)} = ${show(value)}: unknown field; valid fields${path ? ` of ${path}` : ''}: ${valid.join(', ')}${didYouMean(key, valid)}`,
      );
    } else if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      // a required field is missing because it is misspelt, most often: name the key that is near it
      const typo = Object.keys(objectAt(data, keys)).find((k) => nearestName(k, [key]) === key);
      out.add(
        `${field(path ? `${path}.${key}` : key)} is required${typo === undefined ? '' : `; did you mean ${JSON.stringify(key)} instead of ${JSON.stringify(typo)}?`}`,
      );
    } else if (e.keyword === 'enum') {
      const values = (e.params as { allowedValues: unknown[] }).allowedValues;
      const allowed = values.map((v) => JSON.stringify(v)).join(', ');
      out.add(`${field(path)} = ${show(e.data)}: must be one of ${allowed}${didYouMean(e.data, strings(values))}`);
    } else if (e.keyword === 'type' && e.params.type === 'boolean') {
      out.add(`${field(path)} = ${show(e.data)}: must be a boolean; valid choices: true, false`);
    } else if (
      e.keyword === 'type' &&
      typeof e.data === 'number' &&
      !Number.isFinite(e.data) &&
      typeof e.params.type === 'string' &&
      /number|integer/.test(e.params.type)
    ) {
      out.add(`${field(path)} = ${show(e.data)}: must be a finite ${e.params.type}`);
    } else {
      out.add(`${field(path)} = ${show(e.data)}: ${e.message ?? e.keyword}`);
    }
  }
  return [...out];
}

/** A value as a problem shows it: JSON, cut at 80 characters; NaN and ±Infinity by name (JSON writes them as null). */
export function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `field "<path>"`, quoted as JSON so that a key holding a quote cannot end it early; the whole config is `(root)`. */
const field = (path: string): string => `field ${JSON.stringify(path || '(root)')}`;

/** The keys of a JSON pointer (`/env/height` → env, height), unescaped. */
function pointerKeys(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The object at `keys` inside `data` (an empty one where there is none). */
function objectAt(data: unknown, keys: readonly string[]): Record<string, unknown> {
  let v = data;
  for (const key of keys) v = (v as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** The strings among a field's allowed values (the names a misspelt value may be near). */
const strings = (values: readonly unknown[]): string[] => values.filter((v): v is string => typeof v === 'string');

/** The branches of an `anyOf`, in words: `a number`, `an integer ≥ 0`, `"auto"`. */
function alternatives(branches: readonly unknown[]): string[] {
  return branches.map((b) => {
    const branch = b as { type?: string; enum?: unknown[]; minimum?: number };
    if (branch.enum) return branch.enum.map((v) => JSON.stringify(v)).join(' or ');
    if (!branch.type) return JSON.stringify(b);
    return `${/^[aeiou]/.test(branch.type) ? 'an' : 'a'} ${branch.type}${branch.minimum === undefined ? '' : ` ≥ ${branch.minimum}`}`;
  });
}
