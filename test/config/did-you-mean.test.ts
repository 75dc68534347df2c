import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { nearestName } from '../../core/base/suggest.js';
import { preflight } from '../../core/config/preflight.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const registry = new PluginRegistry([builtinPlugin]);

/** The problems of a config the preflight refuses. */
function problems(raw: unknown): readonly string[] {
  try {
    preflight(raw, registry);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('the config was accepted');
}

const base = { env: { name: 'hypergrid', ndim: 2, height: 4 }, objective: { name: 'tb' }, logging: { progress: 'none' } };

describe('nearestName', () => {
  it('finds the name one typo away, ignoring case and the order of the choices', () => {
    const names = ['tfbind8', 'hypergrid', 'qm9str', 'dag'];
    expect(nearestName('hypergird', names)).toBe('hypergrid');
    expect(nearestName('HyperGrid', names)).toBe('hypergrid');
    expect(nearestName('qm9sr', names)).toBe('qm9str');
    expect(nearestName('atuo', ['backend', 'auto'])).toBe('auto');
    // a tie goes to the name that sorts first, whatever the order given
    expect(nearestName('db1', ['tb1', 'db2', 'db0'])).toBe('db0');
    expect(nearestName('db1', ['db0', 'tb1', 'db2'])).toBe('db0');
  });

  it('suggests nothing for a name far from every choice, or for what is no string', () => {
    expect(nearestName('cartwheel', ['hypergrid', 'dag'])).toBeUndefined();
    expect(nearestName('xx', ['tb', 'db'])).toBeUndefined();
    expect(nearestName(3, ['tb'])).toBeUndefined();
    expect(nearestName('', ['tb'])).toBeUndefined();
  });
});

describe('the preflight suggests the nearest valid name', () => {
  it('for a misspelt environment, objective and estimator, after the valid choices', () => {
    expect(problems({ ...base, env: { name: 'hypergird' } })).toEqual([
      'field "env.name" = "hypergird": unknown environment; valid choices: bitseq, cartpole, dag, hypergrid, qm9str, sehstr, tfbind8; did you mean "hypergrid"?',
    ]);
    expect(problems({ ...base, objective: { name: 'subtbb' } })).toEqual([
      expect.stringMatching(/^field "objective.name" = "subtbb": unknown objective; .*; did you mean "subtb"\?$/),
    ]);
    expect(problems({ ...base, estimator: { name: 'transfomer' } })).toEqual([
      expect.stringMatching(/^field "estimator.name" = "transfomer": unknown estimator; .*; did you mean "transformer"\?$/),
    ]);
  });

  it('for a misspelt engine, and none for a name near nothing', () => {
    expect(problems({ ...base, engine: { name: 'onnxruntme' } })).toEqual([
      'field "engine.name" = "onnxruntme": no plugin contributes this engine; valid choices: "auto", "backend", "onnxruntime"; did you mean "onnxruntime"?',
    ]);
    expect(problems({ ...base, engine: { name: 'gpu' } })).toEqual([
      'field "engine.name" = "gpu": no plugin contributes this engine; valid choices: "auto", "backend", "onnxruntime"',
    ]);
  });

  it('for an unknown field, at the top level and inside a section', () => {
    expect(problems({ ...base, evaluaton: { every: 5 } })).toEqual([
      expect.stringMatching(/^field "evaluaton" = \{"every":5\}: unknown field; valid fields: .*; did you mean "evaluation"\?$/),
    ]);
    expect(problems({ ...base, env: { name: 'hypergrid', heigth: 4 } })).toEqual([
      'field "env.heigth" = 4: unknown field; valid fields of env: name, ndim, height, R0, R1, R2, rewardCos, objectives; did you mean "height"? (environment \'hypergrid\' of plugin \'builtin\')',
    ]);
  });

  it('for a value of a fixed list, and a keyword among other types', () => {
    expect(problems({ ...base, backend: 'wsam' })).toEqual([
      'field "backend" = "wsam": must be one of "auto", "tensorflow", "wasm", "cpu"; did you mean "wasm"?',
    ]);
    expect(problems({ ...base, engine: { threads: 'atuo' } })).toEqual([
      'field "engine.threads" = "atuo": must be an integer ≥ 0 or "auto"; did you mean "auto"?',
    ]);
  });

  it('for a required field that is missing because it is misspelt', () => {
    expect(problems({ ...base, objective: { nmae: 'tb' } })).toEqual(['field "objective.name" is required; did you mean "name" instead of "nmae"?']);
  });

  it('for a subscriber name given to train', async () => {
    const config = resolveConfig({ ...base, iterations: 1 }, registry);
    await expect(train(config, registry, { subscribers: ['progres'] })).rejects.toThrow(
      /^unknown subscriber 'progres'; registered: .*; did you mean "progress"\?$/,
    );
  });
});

describe('problems that name their field whatever the value', () => {
  it('NaN and ±Infinity (1e999 in a JSON file) are refused by name, not shown as null', () => {
    expect(problems({ ...base, objective: { name: 'tb', lr: Number.NaN } })).toEqual([
      "field \"objective.lr\" = NaN: must be a finite number (objective 'tb' of plugin 'builtin')",
    ]);
    expect(problems({ ...JSON.parse('{"iterations": 1e999}'), ...base })).toEqual(['field "iterations" = Infinity: must be a finite integer']);
  });

  it('a config that is no object is one problem of the root', () => {
    expect(problems(7)).toEqual(['field "(root)" = 7: must be object']);
    expect(problems([base])).toEqual([expect.stringMatching(/^field "\(root\)" = \[.*: must be object$/)]);
  });

  it('a key holding a quote is quoted as JSON, so the field name ends where it should', () => {
    expect(problems({ ...base, 'say "hi"': 1 })).toEqual([expect.stringMatching(/^field "say \\"hi\\"" = 1: unknown field; /)]);
  });

  it('an environment that cannot be built from its options is reported with them', () => {
    expect(problems({ ...base, env: { name: 'hypergrid', ndim: 1e12 } })).toEqual([
      expect.stringMatching(
        /^field "env.name" = "hypergrid": the environment could not be built: .* \(from the options \{"name":"hypergrid","ndim":1000000000000,/,
      ),
    ]);
  });
});
