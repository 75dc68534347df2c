import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { resolveConfig } from '../../core/config/validate.js';
import { definePlugin, PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const seen: Array<Record<string, unknown>> = [];
const subsets = definePlugin({
  name: 'subsets-test',
  envs: [
    {
      name: 'subsets',
      description: 'k of n',
      schema: { properties: { n: { type: 'integer', minimum: 1, default: 6 }, k: { type: 'integer', minimum: 1, default: 3 } } },
      validate: (o: { n: number; k: number }) => {
        seen.push({ ...o });
        return o.k <= o.n ? [] : [{ field: 'k', value: o.k, reason: `must be <= n = ${o.n}` }];
      },
      create: () => {
        throw new Error('not built in this test');
      },
    },
  ],
});
const registry = new PluginRegistry([builtinPlugin, subsets]);

function problems(raw: Record<string, unknown>): readonly string[] {
  try {
    resolveConfig(raw, registry);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('a contribution’s validate(options): cross-field rules next to the schema', () => {
  it('reports field, value and reason with the contribution and plugin, like a schema error', () => {
    expect(problems({ env: { name: 'subsets', n: 4, k: 7 }, objective: { name: 'tb' } })).toEqual([
      `field "env.k" = 7: must be <= n = 4 (environment 'subsets' of plugin 'subsets-test')`,
    ]);
  });

  it('sees the options with the schema defaults filled in', () => {
    seen.length = 0;
    expect(problems({ env: { name: 'subsets', k: 6 }, objective: { name: 'tb' } })).toEqual([]);
    expect(seen).toEqual([{ name: 'subsets', n: 6, k: 6 }]);
  });

  it('is not called on options that fail the schema (it may trust their types)', () => {
    seen.length = 0;
    expect(problems({ env: { name: 'subsets', k: 'many' }, objective: { name: 'tb' } })).toEqual([
      `field "env.k" = "many": must be integer (environment 'subsets' of plugin 'subsets-test')`,
    ]);
    expect(seen).toEqual([]);
  });

  it('is reported together with the other problems of the config, before any work', () => {
    const found = problems({ env: { name: 'subsets', n: 2, k: 3 }, objective: { name: 'tb', lr: 0 }, iterations: 0 });
    expect(found).toHaveLength(3);
    expect(found).toContain(`field "env.k" = 3: must be <= n = 2 (environment 'subsets' of plugin 'subsets-test')`);
  });

  it('built-in bitseq: the modes must fit the sequences (groups·modesPerGroup <= 2^ndim)', () => {
    expect(problems({ env: { name: 'bitseq', ndim: 3, groups: 3, modesPerGroup: 3 }, objective: { name: 'tb' } })).toEqual([
      `field "env.modesPerGroup" = 3: groups·modesPerGroup = 9 modes do not fit the 2^ndim = 8 sequences; lower groups or modesPerGroup, or raise ndim (environment 'bitseq' of plugin 'builtin')`,
    ]);
  });

  it('built-in bitseq: a word of wordBits bits must divide the sequence (ndim % wordBits = 0)', () => {
    expect(problems({ env: { name: 'bitseq', ndim: 12, wordBits: 5 }, objective: { name: 'tb' } })).toEqual([
      `field "env.wordBits" = 5: must divide ndim = 12 (environment 'bitseq' of plugin 'builtin')`,
    ]);
  });
});
