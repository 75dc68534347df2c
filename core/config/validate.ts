import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { type Contribution, type OptionProblem, type OptionsSchema, type PluginRegistry, SECTION_KINDS, type SectionName } from '../plugin/plugin.js';
import { ConfigError } from '../base/errors.js';
import { CORE_SCHEMA, type ResolvedConfig } from './schema.js';


const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false });
const coreValidator = ajv.compile(CORE_SCHEMA);
const sectionValidators = new WeakMap<OptionsSchema, ValidateFunction>();

/**
 * Validates a raw config against the core schema and the schemas of the plugin contributions its
 * sections name; fills in defaults. Throws {@link ConfigError} before any work is done.
 */
export function resolveConfig(raw: unknown, registry: PluginRegistry): ResolvedConfig {
  const config = structuredClone(raw) as Record<string, unknown>;
  const problems: string[] = coreValidator(config) ? [] : describe(coreValidator.errors ?? [], config, '');
  // sections are checked even when core fields are bad, so that one run reports every problem
  for (const name of Object.keys(SECTION_KINDS) as SectionName[]) {
    const sectionData = config[name] as Record<string, unknown> | undefined;
    if (typeof sectionData !== 'object' || sectionData === null || typeof sectionData.name !== 'string') continue;
    const choices = registry.section(name);
    const contribution = choices.get(String(sectionData.name));
    if (!contribution) {
      problems.push(
        `field "${name}.name" = ${JSON.stringify(sectionData.name)}: unknown ${SECTION_KINDS[name].label}; valid choices: ${[...choices.keys()].sort().join(', ') || '(none registered)'}`,
      );
      continue;
    }
    const validate = sectionValidator(contribution.schema);
    const label = SECTION_KINDS[name].label;
    const origin = ` (${label} '${contribution.name}' of plugin '${registry.ownerOf(label, contribution.name) ?? 'unknown'}')`;
    if (!validate(sectionData)) problems.push(...describe(validate.errors ?? [], sectionData, name).map((p) => p + origin));
    // cross-field rules only run on options that passed the schema, so they may trust its types
    else problems.push(...crossFieldProblems(contribution, sectionData, name).map((p) => p + origin));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as unknown as ResolvedConfig;
}

/** The problems a contribution's own `validate` finds, as `field "<section>.<field>" = value: reason`. */
function crossFieldProblems(contribution: Contribution<unknown>, options: Record<string, unknown>, section: string): string[] {
  if (!contribution.validate) return [];
  let found: readonly OptionProblem[];
  try {
    found = contribution.validate(options);
  } catch (err) {
    return [`section "${section}": its validate() threw: ${(err as Error).message}`];
  }
  return found.map((p) => `field "${section}.${p.field}" = ${show(p.value)}: ${p.reason}`);
}

function sectionValidator(schema: OptionsSchema): ValidateFunction {
  let v = sectionValidators.get(schema);
  if (!v) {
    v = ajv.compile({
      type: 'object',
      additionalProperties: false,
      required: schema.required ?? [],
      properties: { name: { type: 'string' }, ...schema.properties },
    });
    sectionValidators.set(schema, v);
  }
  return v;
}

/** Turns ajv errors into one line per problem: field path, offending value, what is valid. */
function describe(errors: readonly ErrorObject[], data: unknown, prefix: string): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    const path = [prefix, ...e.instancePath.split('/').slice(1)].filter(Boolean).join('.');
    // a field with alternatives (e.g. a number or "auto"): one line naming them all, not one per branch
    if (e.schemaPath.includes('/anyOf/')) continue;
    if (e.keyword === 'anyOf') {
      out.add(`field "${path}" = ${show(e.data)}: must be ${alternatives(e.schema as unknown[]).join(' or ')}`);
    } else if (e.keyword === 'additionalProperty' || e.keyword === 'additionalProperties') {
      const field = String((e.params as { additionalProperty: string }).additionalProperty);
      const full = path ? `${path}.${field}` : field;
      const valid = Object.keys(((e.parentSchema as { properties?: object }).properties ?? {}) as object).filter((k) => k !== '$schema');
      out.add(`field "${full}" = ${show(valueAt(data, e.instancePath, field))}: unknown field; valid fields${path ? ` of ${path}` : ''}: ${valid.join(', ')}`);
    } else if (e.keyword === 'required') {
      const field = String((e.params as { missingProperty: string }).missingProperty);
      out.add(`field "${path ? `${path}.${field}` : field}" is required`);
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
      out.add(`field "${path}" = ${show(e.data)}: must be one of ${allowed}`);
    } else {
      out.add(`field "${path || '(root)'}" = ${show(e.data)}: ${e.message ?? e.keyword}`);
    }
  }
  return [...out];
}

/** The branches of an `anyOf`, in words: `a number`, `"auto"`. */
function alternatives(branches: readonly unknown[]): string[] {
  return branches.map((b) => {
    const branch = b as { type?: string; enum?: unknown[] };
    if (branch.enum) return branch.enum.map((v) => JSON.stringify(v)).join(' or ');
    return branch.type ? `a ${branch.type}` : JSON.stringify(b);
  });
}

function valueAt(data: unknown, pointer: string, field: string): unknown {
  let v = data;
  for (const key of pointer.split('/').slice(1)) v = (v as Record<string, unknown>)?.[key];
  return (v as Record<string, unknown>)?.[field];
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
