import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { mutate, mutation, pathsOf, valueAt } from './mutations.js';
import { fuzzOptions, SEED_CONFIGS } from './seeds.js';

const registry = new PluginRegistry([builtinPlugin]);

/** A problem names its field first: `field "<path>" = <value>: <reason>` or `field "<path>" is required`. */
const NAMES_A_FIELD = /^field "(?:[^"\\]|\\.)+"( = | is required)/;

/** What is wrong with the preflight's answer to `config` (undefined: accepted, or refused the right way). */
function outcomeProblem(config: unknown): string | undefined {
  let accepted: unknown;
  try {
    accepted = preflight(config, registry).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) return `threw ${(err as Error).name ?? typeof err} instead of a ConfigError: ${String((err as Error).stack ?? err)}`;
    if (err.problems.length === 0) return 'a ConfigError with no problem';
    const bad = err.problems.find((p) => !NAMES_A_FIELD.test(p) || p.includes('\n'));
    return bad === undefined ? undefined : `a problem that does not name its field on one line: ${JSON.stringify(bad)}`;
  }
  // an accepted config is one a run can trust: every number in it finite
  const notFinite = pathsOf(accepted).find((p) => typeof valueAt(accepted, p) === 'number' && !Number.isFinite(valueAt(accepted, p)));
  return notFinite && `accepted with ${notFinite.join('.')} = ${String(valueAt(accepted, notFinite))}`;
}

describe('fuzzed configs: the preflight accepts a config or refuses it with a ConfigError naming each field', () => {
  it('holds for 600 mutations of the shipped configs (types, ranges, unknown and misspelt fields, nesting, deletions)', () => {
    expect(SEED_CONFIGS.length).toBeGreaterThan(50);
    const cases = fc.record({ seed: fc.nat(SEED_CONFIGS.length - 1), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(cases, ({ seed, mutations }) => {
        const config = mutate(SEED_CONFIGS[seed]!.raw, mutations);
        const problem = outcomeProblem(config);
        if (problem) throw new Error(`${SEED_CONFIGS[seed]!.file} mutated to ${JSON.stringify(config)}: ${problem}`);
      }),
      fuzzOptions(600),
    );
  });
});
