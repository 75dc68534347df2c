import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JsonSchema } from '../../core/base/json-schema.js';
import { Defaulted, type Resolved } from '../../core/base/typed-schema.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { CORE_SCHEMA } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import { defineContribution } from '../../core/plugin/define-contribution.js';
import { PluginRegistry, SECTION_KINDS, type SectionName } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import type { rlContribution } from '../../plugins/builtin/rl.js';

const registry = new PluginRegistry([builtinPlugin]);

/** Dotted paths of every field that has a default, where the validator fills it in (objects' properties, not inside anyOf). */
function defaultedPaths(schema: { properties?: unknown }, prefix = ''): string[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).flatMap(([key, p]) => {
    if (p.default === undefined) return [];
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...defaultedPaths(p, path)];
  });
}

const at = (value: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);

// The type assertions are checked by `tsc -p .` (the test files are part of the project).
describe('schemas that yield their types', () => {
  it('a Defaulted field is optional in the JSON schema, carries its default, and is present in the resolved type', () => {
    const schema = Type.Object(
      { a: Defaulted(Type.Integer({ minimum: 1 }), 3), b: Type.String(), c: Type.Optional(Type.Number()) },
      { additionalProperties: false },
    );
    expect(JSON.parse(JSON.stringify(schema))).toEqual({
      type: 'object',
      required: ['b'],
      properties: { a: { type: 'integer', minimum: 1, default: 3 }, b: { type: 'string' }, c: { type: 'number' } },
      additionalProperties: false,
    });
    const data: Record<string, unknown> = { b: 'x' };
    expect(new Ajv({ useDefaults: true }).validate(schema, data)).toBe(true);
    expect(data).toEqual({ a: 3, b: 'x' });
    expectTypeOf<Resolved<typeof schema>>().toEqualTypeOf<{ a: number; b: string; c?: number }>();
  });

  it('the resolved config has every field the core schema gives a default, as ResolvedConfig says', () => {
    const config = resolveConfig({ env: { name: 'hypergrid' }, objective: { name: 'tb' } }, registry);
    const paths = defaultedPaths(CORE_SCHEMA);
    expect(paths).toEqual(
      expect.arrayContaining(['name', 'sampler.epsilon', 'evaluation.exactMaxStates', 'logging.episodeWindow', 'checkpoint.every', 'plugins']),
    );
    for (const path of paths) expect(at(config, path), path).toBeDefined();
    expectTypeOf<ResolvedConfig['sampler']['epsilon']>().toEqualTypeOf<number>();
    // no default: it is epsilon unless given
    expectTypeOf<ResolvedConfig['sampler']['epsilonFinal']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ResolvedConfig['evaluation']['mode']>().toEqualTypeOf<'auto' | 'exact' | 'sampled' | 'none'>();
    expectTypeOf<ResolvedConfig['backend']>().toEqualTypeOf<'auto' | 'tensorflow' | 'wasm' | 'cpu'>();
    expectTypeOf<ResolvedConfig['env']['name']>().toEqualTypeOf<string>();
    // a section without a default stays optional
    expectTypeOf<ResolvedConfig>().toHaveProperty('rewardNoise').toEqualTypeOf<{ scale: number; center: 'log' | 'reward' } | undefined>();
  });

  it("every built-in contribution's section has the fields its schema gives a default once resolved", () => {
    for (const section of Object.keys(SECTION_KINDS) as SectionName[]) {
      for (const [name, contribution] of registry.section(section)) {
        // a classic environment trains only objectives that collect their own experience
        const base = { env: { name: 'hypergrid' }, objective: { name: registry.classicEnvs.has(name) ? 'ppo' : 'tb' } };
        const config = resolveConfig({ ...base, [section]: { name } }, registry);
        for (const path of defaultedPaths(contribution.schema)) expect(at(config[section], path), `${section} ${name}: ${path}`).toBeDefined();
      }
    }
  });

  it("a contribution's options type is the one its schema yields", () => {
    type RlOptions = Parameters<typeof rlContribution.create>[0];
    expectTypeOf<RlOptions['backward']>().toEqualTypeOf<'uniform' | 'coupled' | 'guided'>();
    expectTypeOf<RlOptions['logZInit']>().toEqualTypeOf<number | 'auto'>();
    expectTypeOf<RlOptions['trpo']['delta']>().toEqualTypeOf<number>();
    expectTypeOf<RlOptions['lrB']>().toEqualTypeOf<number | undefined>();
    const mine = defineContribution({
      name: 'mine',
      description: 'a contribution of a test',
      schema: Type.Object({ k: Defaulted(Type.Integer(), 2), n: Type.Integer() }),
      // @ts-expect-error k is a number
      validate: (options) => (options.k === 'two' ? [] : []),
      create: (options) => options.k + options.n,
    });
    expect(mine.schema).toEqual({ properties: { k: { type: 'integer', default: 2 }, n: { type: 'integer' } }, required: ['n'] });
    expect(mine.create({ k: 2, n: 3 }, { get: () => undefined as never })).toBe(5);
  });
});
