import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { actorPlan } from '../../core/config/actor-plan.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { builtinPlugin as browserPlugin } from '../../plugins/browser.js';

const node = new PluginRegistry([builtinPlugin]);
const GRID = { name: 'hypergrid', ndim: 2, height: 8 };

/** The config's problems (none: []), as the preflight reports them. */
function problems(raw: Record<string, unknown>, registry = node): readonly string[] {
  try {
    resolveConfig({ env: GRID, ...raw }, registry);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('pipeline: the preflight', () => {
  it('defaults to false; a value that is not a boolean is refused naming the field, the value and the choices', () => {
    expect(resolveConfig({ env: GRID, objective: { name: 'tb' } }, node).pipeline).toBe(false);
    expect(problems({ objective: { name: 'tb' }, pipeline: 'yes' })).toEqual(['field "pipeline" = "yes": must be a boolean; valid choices: true, false']);
  });

  it.each([
    ['tb', { name: 'tb' }],
    ['tb with a learned P_B', { name: 'tb', backward: 'learned' }],
    ['db', { name: 'db' }],
    ['subtb', { name: 'subtb' }],
    ['fm', { name: 'fm' }],
    ['mdb', { name: 'mdb' }],
    ['rl (RL-U, evaluator td)', { name: 'rl', backward: 'uniform' }],
    ['rl (RL-B)', { name: 'rl', backward: 'coupled' }],
    ['rl (RL-T)', { name: 'rl', backward: 'coupled', optimizer: 'trpo' }],
    ['rl with importance weights and exploration', { name: 'rl', importanceWeights: true }],
  ])('accepts %s', (_label, objective: Record<string, unknown>) => {
    expect(problems({ objective, pipeline: true, ...(objective.importanceWeights ? { sampler: { epsilon: 0.1 } } : {}) })).toEqual([]);
  });

  it('accepts replay with an off-policy objective', () => {
    expect(problems({ objective: { name: 'tb' }, pipeline: true, replay: { kind: 'prioritized', capacity: 100, ratio: 0.5 } })).toEqual([]);
  });

  it('refuses rl with the Sub-EB evaluator (no correction for stale batches yet)', () => {
    const p = problems({ objective: { name: 'rl', backward: 'uniform', evaluator: 'subeb' }, pipeline: true });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^field "objective.name" = "rl": objective 'rl' is on-policy and has no correction .*evaluator "subeb".*valid choice there: false/);
  });

  it.each(['ppo', 'reinforce'])('refuses %s, which collects its own experience', (name) => {
    for (const env of [GRID, { name: 'cartpole' }]) {
      const p = problems({ env, objective: { name }, pipeline: true });
      expect(p.some((m) => m.startsWith(`field "objective.name" = "${name}": objective '${name}' collects its own experience`))).toBe(true);
    }
  });

  it('refuses local search and reward noise, naming each field', () => {
    const p = problems({
      objective: { name: 'tb', backward: 'learned' },
      pipeline: true,
      localSearch: { share: 0.5 },
      rewardNoise: { scale: 0.1 },
    });
    expect(p.some((m) => m.startsWith('field "localSearch.share" = 0.5: local search'))).toBe(true);
    expect(p.some((m) => m.startsWith('field "rewardNoise" = {"scale":0.1,') && m.includes('reward noise is drawn'))).toBe(true);
  });

  it('refuses pipeline true where no plugin samples in another thread (the browser plugin)', () => {
    const p = problems({ objective: { name: 'tb' }, pipeline: true }, new PluginRegistry([browserPlugin]));
    expect(p).toEqual([
      'field "pipeline" = true: no loaded plugin samples in another thread here (the Node plugin does; browsers have none) (field "pipeline" = true; valid choice there: false)',
    ]);
  });

  it('pipeline false checks nothing of the above', () => {
    expect(problems({ objective: { name: 'rl', evaluator: 'subeb' }, pipeline: false })).toEqual([]);
  });
});

describe('actors: the preflight', () => {
  it('defaults: no actors (the learner samples), schedule async, maxLag 8', () => {
    const config = resolveConfig({ env: GRID, objective: { name: 'tb' } }, node);
    expect([config.actors, config.actorSchedule, config.maxLag]).toEqual([0, 'async', 8]);
    expect(actorPlan(config)).toBeUndefined();
    expect(actorPlan({ ...config, actors: 3 })).toEqual({ count: 3, schedule: 'async', maxLag: 8, stateKey: 'actors' });
    expect(actorPlan({ ...config, pipeline: true })).toEqual({ count: 1, schedule: 'lockstep', maxLag: 1, stateKey: 'pipeline' });
  });

  it.each([
    [{ actors: -1 }, /^field "actors" = -1: /],
    [{ actors: 1.5 }, /^field "actors" = 1\.5: /],
    [{ actors: 65 }, /^field "actors" = 65: /],
    [{ actors: 2, actorSchedule: 'fifo' }, /^field "actorSchedule" = "fifo": .*"async", "lockstep"/],
    [{ actors: 2, maxLag: -2 }, /^field "maxLag" = -2: /],
  ])('refuses %j naming the field and the value', (raw, message) => {
    const p = problems({ objective: { name: 'tb' }, ...raw });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(message);
  });

  it('refuses pipeline true with actors: pipeline is one actor already', () => {
    expect(problems({ objective: { name: 'tb' }, pipeline: true, actors: 2 })).toEqual([
      'field "actors" = 2: "pipeline": true is one actor already (the same as actors 1, actorSchedule "lockstep", maxLag 1); valid choices: actors 0 with pipeline true, or pipeline false with actors 2',
    ]);
  });

  it.each([
    ['tb', { name: 'tb' }],
    ['db', { name: 'db' }],
    ['subtb', { name: 'subtb' }],
    ['rl (RL-U)', { name: 'rl', backward: 'uniform' }],
  ])('accepts %s with actors', (_label, objective) => {
    expect(problems({ objective, actors: 2 })).toEqual([]);
    expect(problems({ objective, actors: 2, actorSchedule: 'lockstep', maxLag: 0 })).toEqual([]);
  });

  it('refuses what the sampling threads cannot serve, naming the field and actors as the switch', () => {
    expect(problems({ objective: { name: 'ppo' }, actors: 2 })).toEqual([
      expect.stringMatching(/^field "objective.name" = "ppo": objective 'ppo' collects its own experience.*\(field "actors" = 2; valid choice there: 0\)$/),
    ]);
    expect(problems({ objective: { name: 'rl', evaluator: 'subeb' }, actors: 1 })[0]).toMatch(
      /^field "objective.name" = "rl": .*evaluator "subeb".*valid choice there: 0\)$/,
    );
    expect(problems({ objective: { name: 'tb' }, actors: 3 }, new PluginRegistry([browserPlugin]))).toEqual([
      'field "actors" = 3: no loaded plugin samples in another thread here (the Node plugin does; browsers have none) (field "actors" = 3; valid choice there: 0)',
    ]);
  });
});
