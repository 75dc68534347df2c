import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import type { JsonSchema } from '../core/plugin/plugin.js';
import { show } from '../core/config/schema-problems.js';

/** A config section naming a contribution (`{ "name": "hypergrid", … }`). */
export type BenchSection = { name: string } & Record<string, unknown>;

/** One environment of the grid; `label` names it in run names, tables and plots. */
export interface BenchEnvironment {
  label: string;
  env: BenchSection;
  /** Dotted `--set`-style keys applied to every run of this environment. */
  overrides: Record<string, unknown>;
}

/** One objective of the grid (an objective section plus overrides of any run field). */
export interface BenchObjective {
  label: string;
  /** Replaces the base config's `objective` section; absent = keep the base's. */
  objective?: BenchSection;
  /** Dotted `--set`-style keys (`"estimator.hidden": [64, 64]`) applied after the section. */
  overrides: Record<string, unknown>;
}

/** How long each run trains: exactly one of these. */
export type BenchBudget = { iterations: number } | { trajectories: number } | { seconds: number };

/** A validated benchmark config, defaults filled in. */
export interface BenchConfig {
  name: string;
  description?: string;
  /** The run config every grid point starts from, or the path of one (relative to the bench config). */
  base: Record<string, unknown> | string;
  environments: BenchEnvironment[];
  objectives: BenchObjective[];
  seeds: number[];
  budget: BenchBudget;
  /** Parallel worker processes; absent = one per core. */
  workers?: number;
  /** Overrides the base config's evaluation period when given. */
  evaluation?: { every: number };
  /** TV levels whose first crossing the summary reports (trajectories and seconds). */
  tvThresholds: number[];
}

/** A bench config that failed validation; one line per problem, naming field, value and what is valid. */
export class BenchConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid bench config:\n  ${problems.join('\n  ')}`);
    this.name = 'BenchConfigError';
  }
}

const LABEL: JsonSchema = { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9._-]+$' };
const SECTION: JsonSchema = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } };
const OVERRIDES: JsonSchema = { type: 'object', default: {}, propertyNames: { pattern: '^[^.]+(\\.[^.]+)*$' } };

/** JSON schema of a bench config. */
export const BENCH_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base', 'environments', 'objectives', 'seeds', 'budget'],
  properties: {
    $schema: { type: 'string' },
    name: LABEL,
    description: { type: 'string' },
    base: { type: ['object', 'string'] },
    environments: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        // an entry is either a bare env section or {label, env, overrides}
        if: { required: ['env'] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON-schema keyword, not a thenable
        then: { additionalProperties: false, required: ['label', 'env'], properties: { label: LABEL, env: SECTION, overrides: OVERRIDES } },
        else: SECTION,
      },
    },
    objectives: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['label'], properties: { label: LABEL, objective: SECTION, overrides: OVERRIDES } },
    },
    seeds: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'integer', minimum: 0 } },
    budget: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        iterations: { type: 'integer', minimum: 1 },
        trajectories: { type: 'integer', minimum: 1 },
        seconds: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    workers: { type: 'integer', minimum: 1 },
    evaluation: { type: 'object', additionalProperties: false, required: ['every'], properties: { every: { type: 'integer', minimum: 1 } } },
    tvThresholds: { type: 'array', default: [0.1, 0.05], items: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
  },
};

// verbose: errors carry their parent schema, whose properties list the valid fields
// strictNumbers: NaN and ±Infinity (possible in a programmatic config, not in JSON) are not numbers here
const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false, strictNumbers: true });
const validateSchema = ajv.compile(BENCH_SCHEMA);

/** Reads and validates a bench config file. */
export function readBenchConfig(path: string): BenchConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read bench config ${path}: ${(err as Error).message}`);
  }
  return validateBenchConfig(raw);
}

/**
 * Validates a raw bench config and normalises it: bare environment sections get a label (see
 * {@link environmentLabels}), overrides default to `{}`. Throws {@link BenchConfigError} listing
 * every problem.
 */
export function validateBenchConfig(raw: unknown): BenchConfig {
  const data = structuredClone(raw);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BenchConfigError(['the bench config must be a JSON object']);
  if (!validateSchema(data)) throw new BenchConfigError(describe(validateSchema.errors ?? [], data));
  const d = data as Record<string, unknown> & { environments: Array<Record<string, unknown>>; objectives: BenchObjective[] };
  const bare = d.environments.map((e) => ('env' in e ? undefined : (e as BenchSection)));
  const derived = environmentLabels(bare.filter((s): s is BenchSection => s !== undefined));
  let k = 0;
  const environments: BenchEnvironment[] = d.environments.map((e, i) =>
    bare[i]
      ? { label: derived[k++]!, env: bare[i]!, overrides: {} }
      : { label: String(e.label), env: e.env as BenchSection, overrides: (e.overrides as Record<string, unknown>) ?? {} },
  );
  const problems = [
    ...duplicates(
      'environments',
      environments.map((e) => e.label),
    ),
    ...duplicates(
      'objectives',
      d.objectives.map((o) => o.label),
    ),
  ];
  if (problems.length > 0) throw new BenchConfigError(problems);
  return { ...(d as unknown as BenchConfig), environments, objectives: d.objectives.map((o) => ({ ...o, overrides: o.overrides ?? {} })) };
}

/**
 * Labels for bare environment sections: the name, followed by the fields whose values differ
 * between sections of the same name (`hypergrid-height16`, `hypergrid-height32`), so that a grid
 * over one environment's options needs no hand-written labels.
 */
export function environmentLabels(sections: readonly BenchSection[]): string[] {
  return sections.map((s) => {
    const same = sections.filter((o) => o.name === s.name);
    const varying = [...new Set(same.flatMap((o) => Object.keys(o)))].filter((k) => k !== 'name' && new Set(same.map((o) => JSON.stringify(o[k]))).size > 1);
    const parts = varying.map((k) => `${k}${s[k] === undefined ? 'default' : typeof s[k] === 'object' ? JSON.stringify(s[k]) : String(s[k])}`);
    return [s.name, ...parts].join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
  });
}

function duplicates(field: string, labels: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  labels.forEach((l, i) => {
    if (seen.has(l)) out.push(`field "${field}.${i}.label" = ${JSON.stringify(l)}: duplicate label; labels must be unique (give entries distinct "label"s)`);
    seen.add(l);
  });
  return out;
}

/** One line per ajv error: the field's dotted path, its value, and what is valid. */
function describe(errors: readonly ErrorObject[], data: unknown): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    // an `if` failure only repeats the `then` branch's own errors
    if (e.keyword === 'if') continue;
    const path = e.instancePath.split('/').slice(1).join('.');
    const at = (field: string): string => (path ? `${path}.${field}` : field);
    const value = valueAt(data, e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const field = String((e.params as { additionalProperty: string }).additionalProperty);
      const valid = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      out.add(
        `field "${at(field)}" = ${show((value as Record<string, unknown>)[field])}: unknown field; valid fields${path ? ` of ${path}` : ''}: ${valid.join(', ')}`,
      );
    } else if (e.keyword === 'required') {
      out.add(`field "${at(String((e.params as { missingProperty: string }).missingProperty))}" is required`);
    } else if (path === 'budget' && (e.keyword === 'minProperties' || e.keyword === 'maxProperties')) {
      out.add(`field "budget" = ${show(value)}: give exactly one of "iterations", "trajectories", "seconds"`);
    } else {
      out.add(`field "${path || '(root)'}" = ${show(value)}: ${e.message ?? e.keyword}`);
    }
  }
  return [...out];
}

function valueAt(data: unknown, pointer: string): unknown {
  let v = data;
  for (const key of pointer.split('/').slice(1)) v = (v as Record<string, unknown>)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}
