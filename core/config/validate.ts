import { Ajv, type ValidateFunction } from 'ajv';
import type { Environment } from '../env/environment.js';
import type { GymEnvFactory } from '../gym/gym-env.js';
import {
  type Contribution,
  type OptionProblem,
  type OptionsSchema,
  type PluginRegistry,
  SECTION_KINDS,
  type SectionName,
  type ValidationContext,
} from '../plugin/plugin.js';
import { ConfigError } from '../base/errors.js';
import { didYouMean } from '../base/suggest.js';
import { describeSchemaErrors, show } from './schema-problems.js';
import { migrateLegacyEngine } from './legacy-engine.js';
import { optionMemoryProblems } from './memory-rule.js';
import { CONFIG_RULES } from './rules.js';
import { CORE_SCHEMA, type ResolvedConfig, type Section } from './schema.js';
import { conditionedForChecks } from './condition-rule.js';

// strictNumbers: NaN and ±Infinity are no numbers (JSON's 1e999 parses to Infinity; the API takes NaN)
const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false, strictNumbers: true });
const coreValidator = ajv.compile(CORE_SCHEMA);
const sectionValidators = new WeakMap<OptionsSchema, ValidateFunction>();

/** The environment a config's checks may use: built from its validated `env` section (see `preflight`). */
export type EnvironmentSource = (section: Section) => Environment | GymEnvFactory;

/** A config after every check: defaults filled in, its problems, and the environment when one was built. */
export interface CheckedConfig {
  config: ResolvedConfig;
  problems: string[];
  environment?: Environment | GymEnvFactory;
}

/**
 * Validates a raw config against the core schema and the schemas of the plugin contributions its
 * sections name, fills in defaults, and checks every rule across fields that needs no environment
 * (the contributions' `validate`, the objective's traits against the sampler, replay and local
 * search, the engine). Throws one {@link ConfigError} listing every problem, before any work.
 * The rules that need the environment (e.g. `evaluation.mode: "exact"` against its size) run in
 * `preflight`, which builds it; `train` calls that.
 */
export function resolveConfig(raw: unknown, registry: PluginRegistry): ResolvedConfig {
  const { config, problems } = checkConfig(raw, registry);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Every check of {@link resolveConfig}, collected rather than thrown; with `environment`, the
 * environment is built (or taken) once the `env` section is valid, and the checks that need it run
 * too. A check whose input failed an earlier one is skipped, so that each mistake is reported once.
 */
export function checkConfig(raw: unknown, registry: PluginRegistry, environment?: EnvironmentSource): CheckedConfig {
  const config = structuredClone(raw) as Record<string, unknown>;
  const isObject = typeof config === 'object' && config !== null && !Array.isArray(config);
  const problems = isObject ? migrateLegacyEngine(config) : [];
  const invalid = new Set<string>();
  if (!coreValidator(config)) {
    const errors = coreValidator.errors ?? [];
    problems.push(...describeSchemaErrors(errors, config, ''));
    for (const e of errors) invalid.add(e.instancePath.split('/')[1] ?? String((e.params as { missingProperty?: string }).missingProperty ?? ''));
  }
  // a config that is no object has no fields for the sections and rules to read
  if (!isObject) return { config: config as unknown as ResolvedConfig, problems };
  const resolved = config as unknown as ResolvedConfig;
  const context: ValidationContext = {};
  // sections are checked even when core fields are bad, so that one run reports every problem; the
  // environment first, since the other sections' rules may look at it
  for (const name of Object.keys(SECTION_KINDS) as SectionName[]) {
    const section = checkSection(name, config, registry, context);
    problems.push(...section.problems);
    // the rules across sections need the options' types, not their `validate` passing
    if (!section.typed || invalid.has(name)) invalid.add(name);
    else if (name === 'env' && environment && section.problems.length === 0) {
      try {
        context.environment = conditionedForChecks(environment(resolved.env), resolved, !invalid.has('condition'));
      } catch (err) {
        problems.push(
          ...(err instanceof ConfigError
            ? err.problems
            : [
                `field "env.name" = ${JSON.stringify(resolved.env.name)}: the environment could not be built: ${oneLine(err)} (from the options ${show(resolved.env)})`,
              ]),
        );
      }
    }
  }
  for (const rule of CONFIG_RULES) {
    if (rule.reads.some((field) => invalid.has(field))) continue;
    problems.push(...rule.check(resolved, { registry, ...context }));
  }
  return { config: resolved, problems, ...(context.environment ? { environment: context.environment } : {}) };
}

/**
 * The problems of one section: an unknown name, its options against the contribution's schema,
 * then its `validate`; `typed` when the options passed the schema (so they have its types).
 */
function checkSection(
  name: SectionName,
  config: Record<string, unknown>,
  registry: PluginRegistry,
  context: ValidationContext,
): { problems: string[]; typed: boolean } {
  const sectionData = config[name] as Record<string, unknown> | undefined;
  // a section that is no object, or has no name, is the core schema's problem
  if (typeof sectionData !== 'object' || sectionData === null || typeof sectionData.name !== 'string') return { problems: [], typed: false };
  const choices = registry.section(name);
  const contribution = choices.get(String(sectionData.name));
  if (!contribution) {
    const valid = [...choices.keys()].sort().join(', ') || '(none registered)';
    const hint = didYouMean(sectionData.name, choices.keys());
    return {
      problems: [`field "${name}.name" = ${JSON.stringify(sectionData.name)}: unknown ${SECTION_KINDS[name].label}; valid choices: ${valid}${hint}`],
      typed: false,
    };
  }
  const validate = sectionValidator(contribution.schema);
  const label = SECTION_KINDS[name].label;
  const origin = ` (${registry.origin(label, contribution.name)})`;
  if (!validate(sectionData)) return { problems: describeSchemaErrors(validate.errors ?? [], sectionData, name).map((p) => p + origin), typed: false };
  // cross-field rules only run on options that passed the schema, so they may trust its types; the
  // memory the options imply only on options that passed those (a contribution sizes valid ones)
  const crossField = crossFieldProblems(contribution, sectionData, name, context);
  const problems = crossField.length > 0 ? crossField : optionMemoryProblems(contribution, sectionData, name, registry);
  return { problems: problems.map((p) => p + origin), typed: true };
}

/** The problems a contribution's own `validate` finds, as `field "<section>.<field>" = value: reason`. */
function crossFieldProblems(contribution: Contribution<unknown>, options: Record<string, unknown>, section: string, context: ValidationContext): string[] {
  if (!contribution.validate) return [];
  let found: readonly OptionProblem[];
  try {
    found = contribution.validate(options, context);
  } catch (err) {
    return [`field "${section}.name" = ${show(options.name)}: its validate() threw: ${oneLine(err)}`];
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

/** What a plugin threw, as one line of a problem (it may throw anything, with any line breaks). */
function oneLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).replace(/\s*\n\s*/g, ' ');
}
