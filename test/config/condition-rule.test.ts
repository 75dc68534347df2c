import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { resolveConfig } from '../../core/config/validate.js';
import { isConditional } from '../../core/env/condition/conditional-environment.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const registry = new PluginRegistry([builtinPlugin]);
const BASE = { env: { name: 'hypergrid', ndim: 2, height: 4 }, objective: { name: 'tb' } };

/** The problems the preflight reports for `patch` over a small TB config (none: an empty list). */
function problems(patch: Record<string, unknown>): readonly string[] {
  try {
    preflight({ ...BASE, ...patch }, registry);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('the condition section, checked before the run', () => {
  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'an unknown distribution, with the valid choices',
      { condition: { beta: { distribution: 'normal', min: 1, max: 2 } } },
      /^field "condition.beta.distribution" = "normal": must be one of "uniform", "log-uniform", "gamma"/,
    ],
    [
      'a field the distribution needs',
      { condition: { beta: { distribution: 'log-uniform', min: 0.5 } } },
      /^field "condition.beta.max" is required by distribution "log-uniform" \(it takes min, max\)$/,
    ],
    [
      "another distribution's field",
      { condition: { beta: { distribution: 'uniform', min: 0.5, max: 4, shape: 2 } } },
      /^field "condition.beta.shape" = 2: not an option of distribution "uniform", which takes min, max; shape belongs to "gamma"$/,
    ],
    [
      'an empty range',
      { condition: { beta: { distribution: 'uniform', min: 4, max: 0.5 } } },
      /^field "condition.beta.max" = 0.5: must be above condition.beta.min = 4$/,
    ],
    ['a β that is not positive', { condition: { beta: { distribution: 'gamma', shape: 0, scale: 1 } } }, /^field "condition.beta.shape" = 0: must be > 0$/],
    [
      'a repeated grid value',
      { condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 }, grid: [1, 2, 1] } },
      /^field "condition.grid.2" = 1: repeats an earlier grid value/,
    ],
    [
      'an unknown encoding',
      { condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 }, encoding: 'siren' } },
      /^field "condition.encoding" = "siren": must be one of "product", "concat", "film"/,
    ],
    [
      'FiLM with an estimator that has no hidden layers it modulates',
      {
        env: { name: 'bitseq', ndim: 8 },
        estimator: { name: 'transformer' },
        condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 }, encoding: 'film' },
      },
      /^field "condition.encoding" = "film": modulates the hidden layers of the networks, and estimator 'transformer' has none it modulates; valid choices: "product", "concat", or "film" with estimator "mlp"$/,
    ],
    [
      'FiLM without a condition to modulate by',
      { condition: { encoding: 'film' } },
      /^field "condition" = \{.*"encoding":"film".*\}: names no condition; give beta \(a temperature\), preference \(multi-objective environments\) or both$/,
    ],
    [
      'an objective that collects its own experience',
      { objective: { name: 'ppo' }, condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 } } },
      /^field "condition" = .*: objective 'ppo' collects its own experience through the Gym interface, which draws no condition/,
    ],
    [
      'a reward service',
      { reward: { url: 'http://127.0.0.1:4100/' }, condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 } } },
      /^field "condition" = .*: the reward service of field "reward" scores the environment's own states/,
    ],
    [
      'a classic environment',
      { env: { name: 'cartpole' }, objective: { name: 'ppo' }, condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 } } },
      /^field "condition" = .*: environment 'cartpole' is a classic \(Gym\) one/,
    ],
    [
      // the contributions' own rules see the conditioned environment, which has no guide
      'RL-G, whose guide the conditioned environment does not provide',
      { objective: { name: 'rl', backward: 'guided' }, condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 } } },
      /^field "objective.backward" = "guided": needs a guide, and environment 'hypergrid' does not provide one/,
    ],
    [
      'the transformer, which reads observations as tokens',
      { env: { name: 'bitseq', ndim: 8 }, estimator: { name: 'transformer' }, condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 } } },
      /^field "estimator.name" = "transformer": environment 'bitseq' has no token layout/,
    ],
  ];
  for (const [label, patch, pattern] of refused) {
    it(`refuses ${label}`, () => {
      const found = problems(patch);
      expect(
        found.some((p) => pattern.test(p)),
        found.join('\n'),
      ).toBe(true);
    });
  }

  it('fills in its defaults, and the preflight hands the run the conditioned environment', () => {
    const { config, environment } = preflight({ ...BASE, condition: { beta: { distribution: 'log-uniform', min: 0.5, max: 4 } } }, registry);
    expect(config.condition).toEqual({
      beta: { distribution: 'log-uniform', min: 0.5, max: 4 },
      grid: [0.5, 1, 2, 4],
      encoding: 'product',
      residualWeight: 'inverse-beta',
      reference: 1,
    });
    expect('stateDim' in environment && isConditional(environment)).toBe(true);
  });

  it('takes FiLM with the MLP: the run gets an environment whose observations ask for modulation', () => {
    const { config, environment } = preflight({ ...BASE, condition: { beta: { distribution: 'gamma', shape: 2, scale: 1 }, encoding: 'film' } }, registry);
    expect(config.condition?.encoding).toBe('film');
    if (!('stateDim' in environment) || !isConditional(environment)) throw new Error('a conditional run');
    // the observation is concat's: the environment's own (2 x 4 one-hot), then (log β, β)
    expect(environment.obsDim).toBe(8 + 2);
    expect(environment.observationCondition()).toEqual({ start: 8, width: 2, modulation: 'film' });
  });

  it('leaves a config without it as it was: no condition key, the environment itself', () => {
    const config = resolveConfig(BASE, registry);
    expect('condition' in config).toBe(false);
    const { environment } = preflight(BASE, registry);
    expect('stateDim' in environment && isConditional(environment)).toBe(false);
  });
});
