import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { misspell, pathsOf, type Typo, typo, valueAt } from './mutations.js';
import { fuzzOptions, SEED_CONFIGS } from './seeds.js';

const registry = new PluginRegistry([builtinPlugin]);

/** The problems the preflight reports for `config` (none: accepted). */
function problemsOf(config: unknown): readonly string[] {
  try {
    preflight(config, registry);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

/**
 * Whether a suggestion must come: one typo is one Levenshtein edit, except a swap (two), and names
 * of up to three letters are allowed one edit only (see `nearestName`).
 */
const mustSuggest = (typed: string, t: Typo): boolean => t.kind !== 'swap' || typed.length >= 4;

/** The name suggested in `problem`, if any. */
const suggested = (problem: string): string | undefined => /did you mean "([^"]+)"/.exec(problem)?.[1];

/** Every contribution name a section may hold, and its default. */
const SECTIONS = {
  env: { names: [...registry.section('env').keys()], fallback: 'hypergrid' },
  objective: { names: [...registry.objectives.keys()], fallback: 'tb' },
  estimator: { names: [...registry.estimators.keys()], fallback: 'mlp' },
  engine: { names: ['auto', 'backend', ...registry.engines.keys()], fallback: 'auto' },
} as const;

describe('fuzzed misspellings: the preflight suggests the nearest valid name', () => {
  it('a misspelt env, objective, estimator or engine name gets the nearest valid one suggested', () => {
    const cases = fc.record({ seed: fc.nat(SEED_CONFIGS.length - 1), section: fc.constantFrom(...(Object.keys(SECTIONS) as (keyof typeof SECTIONS)[])), typo });
    fc.assert(
      fc.property(cases, ({ seed, section, typo: t }) => {
        const raw = structuredClone(SEED_CONFIGS[seed]!.raw);
        const current = (raw[section] as { name?: string } | undefined) ?? {};
        const original = current.name ?? SECTIONS[section].fallback;
        const typed = misspell(original, t);
        fc.pre(!(SECTIONS[section].names as readonly string[]).includes(typed));
        raw[section] = { ...current, name: typed };
        const problem = problemsOf(raw).find((p) => p.startsWith(`field "${section}.name" = ${JSON.stringify(typed)}`));
        expect(problem, `no problem names ${section}.name = ${typed}`).toBeDefined();
        const near = suggested(problem!);
        if (mustSuggest(typed, t)) expect(near, problem).toBeDefined();
        if (near !== undefined) expect(distance(typed.toLowerCase(), near.toLowerCase())).toBeLessThanOrEqual(distance(typed, original));
      }),
      fuzzOptions(200),
    );
  });

  it('a misspelt field gets the nearest valid field suggested (a misspelt required one, the field it stands for)', () => {
    const cases = fc.record({ seed: fc.nat(SEED_CONFIGS.length - 1), pick: fc.nat(), typo });
    fc.assert(
      fc.property(cases, ({ seed, pick, typo: t }) => {
        const raw = structuredClone(SEED_CONFIGS[seed]!.raw);
        // a key of an object (not an array element, not the run's `name`, `$schema` or `plugins`)
        const keys = pathsOf(raw).filter((p) => p.length > 0 && !Array.isArray(valueAt(raw, p.slice(0, -1))) && !['$schema', 'plugins'].includes(p[0]!));
        const path = keys[pick % keys.length]!;
        fc.pre(path.join('.') !== 'name');
        const parent = valueAt(raw, path.slice(0, -1)) as Record<string, unknown>;
        const key = path.at(-1)!;
        const typed = misspell(key, t);
        fc.pre(!(typed in parent));
        parent[typed] = parent[key];
        delete parent[key];
        const at = [...path.slice(0, -1), typed].join('.');
        const problems = problemsOf(raw);
        const unknown = problems.find((p) => p.startsWith(`field ${JSON.stringify(at)} = `) && p.includes('unknown field'));
        const required = problems.find((p) => p.startsWith(`field ${JSON.stringify(path.join('.'))} is required`));
        // the typo may be another valid field (lr → lrZ): nothing to suggest then
        if (unknown === undefined && required === undefined) return;
        const problem = (unknown ?? required)!;
        // an unknown field names the valid one it is near; a missing required field, the key standing for it
        const near =
          unknown !== undefined
            ? suggested(unknown)
            : problem.includes(`; did you mean ${JSON.stringify(key)} instead of ${JSON.stringify(typed)}?`)
              ? key
              : undefined;
        if (mustSuggest(typed, t)) expect(near, problem).toBeDefined();
        if (near !== undefined) expect(distance(typed.toLowerCase(), near.toLowerCase())).toBeLessThanOrEqual(distance(typed, key));
      }),
      fuzzOptions(300),
    );
  });
});
