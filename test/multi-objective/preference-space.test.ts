import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { isEnumerable } from '../../core/env/environment.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { preferenceConditional } from './helpers.js';

const registry = new PluginRegistry([builtinPlugin]);

describe('the preference condition', () => {
  it('log R_c = e·β·Σ ω_i log R_i of every row, with its own ω (and β)', () => {
    const env = preferenceConditional(4, {
      beta: { distribution: 'uniform', min: 1, max: 3 },
      preference: { distribution: 'dirichlet', alpha: 1, exponent: 2 },
    });
    expect(env.space.names).toEqual(['beta', 'branin', 'currin']);
    const cells = Int32Array.from([0, 3, 2, 1]);
    const conditions = Float32Array.from([1.5, 0.25, 0.75, 3, 1, 0]);
    const states = env.withCondition(cells, conditions);
    const own = env.base as unknown as { logObjectives(s: Int32Array): Float64Array };
    const logR = own.logObjectives(cells);
    const got = env.logReward(states);
    expect(got[0]).toBeCloseTo(2 * 1.5 * (0.25 * logR[0]! + 0.75 * logR[1]!), 12);
    expect(got[1]).toBeCloseTo(2 * 3 * logR[2]!, 12);
    // the networks see ω, then log β and β
    expect(Array.from(env.conditionFeatures(states.subarray(0, env.stateDim)))).toEqual([0.25, 0.75, Math.fround(Math.log(1.5)), 1.5]);
    expect(Array.from(env.residualWeights(states)!)).toEqual([Math.fround(1 / 1.5), Math.fround(1 / 3)]);
  });

  it('the exact target at a grid preference is R_ω^e/Z_ω over the enumerated cells', () => {
    const env = preferenceConditional(5, { preference: { distribution: 'dirichlet', alpha: 1, exponent: 3 } });
    expect(env.space.grid.map((c) => Array.from(c))).toEqual([
      [1, 0],
      [0.75, 0.25],
      [0.5, 0.5],
      [0.25, 0.75],
      [0, 1],
    ]);
    const at = env.at(Float32Array.of(0.25, 0.75));
    if (!isEnumerable(at)) throw new Error('enumerable');
    const base = env.base as unknown as { allStates(): Int32Array; logObjectives(s: Int32Array): Float64Array };
    const logR = base.logObjectives(base.allStates());
    const weights = Array.from({ length: 25 }, (_, i) => Math.exp(3 * (0.25 * logR[2 * i]! + 0.75 * logR[2 * i + 1]!)));
    const z = weights.reduce((a, b) => a + b, 0);
    const target = at.trueDistribution();
    weights.forEach((w, i) => expect(target[i]).toBeCloseTo(w / z, 14));
    expect(at.logPartition()).toBeCloseTo(Math.log(z), 12);
  });

  it('draws ω ~ Dirichlet(α): on the simplex, with mean α_i/Σα and variance α_i(Σα − α_i)/((Σα)²(Σα + 1))', () => {
    const env = preferenceConditional(4, { preference: { distribution: 'dirichlet', alpha: [1, 3], exponent: 1 } });
    const n = 40_000;
    const draws = env.space.draw(n, new Rng(4));
    let [sum, sq] = [0, 0];
    for (let i = 0; i < n; i++) {
      expect(Math.abs(draws[2 * i]! + draws[2 * i + 1]! - 1)).toBeLessThan(1e-6);
      sum += draws[2 * i]!;
      sq += draws[2 * i]! ** 2;
    }
    const [mean, variance] = [sum / n, sq / n - (sum / n) ** 2];
    const want = { mean: 1 / 4, variance: (1 * 3) / (16 * 5) };
    // several standard errors of the mean, and a loose bound on the variance
    expect(Math.abs(mean - want.mean)).toBeLessThan(5 * Math.sqrt(want.variance / n));
    expect(Math.abs(variance - want.variance)).toBeLessThan(0.05 * want.variance);
  });

  it('a preference given by name: every objective, entries ≥ 0 summing to 1; labels name each component', () => {
    const env = preferenceConditional(4);
    expect(Array.from(env.space.parse({ branin: 0.25, currin: 0.75 }))).toEqual([0.25, 0.75]);
    expect(env.space.label(Float32Array.of(0.25, 0.75))).toBe('branin=0.25,currin=0.75');
    expect(() => env.space.parse({ branin: 0.5 })).toThrow(/component "currin" is required .*branin, currin/);
    expect(() => env.space.parse({ branin: 0.5, currin: 0.6 })).toThrow(/sums to 1.1; its entries sum to 1/);
    expect(() => env.space.parse({ branin: 1.5, currin: -0.5 })).toThrow(/currin = -0.5: must be a finite number >= 0/);
    expect(() => env.space.parse({ beta: 2, branin: 0.5, currin: 0.5 })).toThrow(/unknown component "beta"; valid components: branin, currin/);
  });
});

describe('the preference section, checked before the run', () => {
  const MO_ENV = { name: 'hypergrid', ndim: 2, height: 4, objectives: ['branin', 'currin'] };
  const problems = (env: Record<string, unknown>, condition: Record<string, unknown>): readonly string[] => {
    try {
      preflight({ env, objective: { name: 'tb' }, condition }, registry);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };
  const refused: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
    [
      'a preference on an environment with one reward',
      { name: 'hypergrid', ndim: 2, height: 4 },
      { preference: { distribution: 'dirichlet' } },
      /^field "condition.preference" = .*: environment 'hypergrid' has one reward; a preference needs a multi-objective environment/,
    ],
    ['an unknown distribution', MO_ENV, { preference: { distribution: 'uniform' } }, /field "condition.preference.distribution" = "uniform".*"dirichlet"/],
    [
      'alpha of the wrong length',
      MO_ENV,
      { preference: { distribution: 'dirichlet', alpha: [1, 2, 3] } },
      /^field "condition.preference.alpha" = \[1,2,3\]: has 3 entries; give one number, or one per the environment's 2 objectives \(branin, currin\)$/,
    ],
    [
      'a grid preference that does not sum to 1',
      MO_ENV,
      { preference: { distribution: 'dirichlet', grid: [[0.5, 0.6]] } },
      /^field "condition.preference.grid.0" = \[0.5,0.6\]: sums to 1.1; a preference's entries sum to 1$/,
    ],
    ['a section without a condition', MO_ENV, {}, /^field "condition" = \{.*\}: names no condition; give beta \(a temperature\), preference/],
  ];
  for (const [label, env, condition, pattern] of refused) {
    it(`refuses ${label}, naming the field`, () => {
      const found = problems(env, condition);
      expect(
        found.some((p) => pattern.test(p)),
        found.join('\n'),
      ).toBe(true);
    });
  }

  it('accepts a preference with and without β', () => {
    expect(
      problems(MO_ENV, {
        preference: {
          distribution: 'dirichlet',
          alpha: [1, 2],
          grid: [
            [1, 0],
            [0, 1],
          ],
        },
      }),
    ).toEqual([]);
    expect(problems(MO_ENV, { preference: { distribution: 'dirichlet' }, beta: { distribution: 'uniform', min: 1, max: 2 } })).toEqual([]);
  });
});
