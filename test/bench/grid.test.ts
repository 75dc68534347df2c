import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type BenchConfig, BenchConfigError, readBenchConfig, validateBenchConfig } from '../../harness/config.js';
import { expandGrid, loadBase, type RunSpec, UNBOUNDED_ITERATIONS, validateGrid } from '../../harness/grid.js';
import { registry } from '../training/run-helpers.js';
import { writeJson } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-grid-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const bench = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'g',
  base: { backend: 'wasm', batchSize: 16, estimator: { name: 'mlp', hidden: [8] }, objective: { name: 'tb', lr: 0.01 } },
  environments: [
    { name: 'hypergrid', ndim: 2, height: 16 },
    { name: 'hypergrid', ndim: 2, height: 32 },
  ],
  objectives: [
    { label: 'tb-u', objective: { name: 'tb', backward: 'uniform' } },
    { label: 'rl-b', objective: { name: 'rl', backward: 'coupled' }, overrides: { 'objective.value.hidden': [4], batchSize: 24 } },
  ],
  seeds: [3, 7],
  budget: { iterations: 40 },
  evaluation: { every: 5 },
  ...patch,
});

/** Expands and validates a raw bench config the way `gfn bench` does. */
function grid(raw: unknown, benchDir = tmp): RunSpec[] {
  const config = validateBenchConfig(raw);
  const base = loadBase(config, benchDir);
  const { runs, problems } = expandGrid(config, base.config, join(tmp, 'out'));
  return validateGrid(config, runs, registry, join(tmp, 'out'), problems);
}

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BenchConfigError);
    return [...(err as BenchConfigError).problems];
  }
  throw new Error('expected a BenchConfigError');
}

describe('bench grid', () => {
  it('expands environments x objectives x seeds in order, with names, folders, overrides and the budget', () => {
    const specs = grid(bench());
    expect(specs.map((s) => s.id)).toEqual([
      'hypergrid-height16-tb-u-s3',
      'hypergrid-height16-tb-u-s7',
      'hypergrid-height16-rl-b-s3',
      'hypergrid-height16-rl-b-s7',
      'hypergrid-height32-tb-u-s3',
      'hypergrid-height32-tb-u-s7',
      'hypergrid-height32-rl-b-s3',
      'hypergrid-height32-rl-b-s7',
    ]);
    const s = specs[6]!;
    expect([s.env, s.objective, s.seed]).toEqual(['hypergrid-height32', 'rl-b', 3]);
    expect(s.config.name).toBe(s.id);
    expect(s.config.seed).toBe(3);
    expect(s.dir).toBe(join(tmp, 'out', 'runs', s.id));
    expect(s.config.logging.dir).toBe(join(tmp, 'out', 'runs'));
    expect(s.config.logging.progress).toBe('none');
    expect(s.config.env).toMatchObject({ name: 'hypergrid', ndim: 2, height: 32 });
    // the objective section replaces the base's (its lr 0.01 is gone), overrides apply on top
    expect(s.config.objective).toMatchObject({ name: 'rl', backward: 'coupled', lr: 0.001, value: { hidden: [4] } });
    expect(s.config.batchSize).toBe(24);
    expect(specs[0]!.config.batchSize).toBe(16);
    expect(specs.every((x) => x.config.iterations === 40 && x.config.evaluation.every === 5 && x.stopAfterSeconds === undefined)).toBe(true);
  });

  it('a trajectory budget becomes ceil(trajectories / batch size) iterations, per run', () => {
    const specs = grid(bench({ budget: { trajectories: 100 } }));
    expect(specs.find((s) => s.objective === 'tb-u')!.config.iterations).toBe(7); // ceil(100 / 16)
    expect(specs.find((s) => s.objective === 'rl-b')!.config.iterations).toBe(5); // ceil(100 / 24)
  });

  it('a seconds budget leaves iterations unbounded and gives each run the deadline', () => {
    const specs = grid(bench({ budget: { seconds: 2.5 } }));
    expect(specs.every((s) => s.config.iterations === UNBOUNDED_ITERATIONS && s.stopAfterSeconds === 2.5)).toBe(true);
  });

  it('takes the base from a path relative to the bench config, with its plugin paths made absolute', () => {
    writeJson(join(tmp, 'configs'), 'base.json', {
      backend: 'wasm',
      objective: { name: 'tb' },
      estimator: { name: 'mlp', hidden: [8] },
      plugins: ['./my-plugin.js', 'some-package'],
    });
    const config = validateBenchConfig(bench({ base: 'configs/base.json' }));
    const base = loadBase(config, tmp);
    expect(base.config.plugins).toEqual([join(tmp, 'configs', 'my-plugin.js'), 'some-package']);
    expect(base.dir).toBe(join(tmp, 'configs'));
  });

  it('labels environments: explicit labels, or the name plus the fields that differ', () => {
    const config: BenchConfig = validateBenchConfig(
      bench({
        environments: [
          { label: 'small', env: { name: 'hypergrid', height: 4 } },
          { name: 'hypergrid', height: 8, R0: 0.1 },
          { name: 'hypergrid', height: 8 },
        ],
      }),
    );
    expect(config.environments.map((e) => e.label)).toEqual(['small', 'hypergrid-R00.1', 'hypergrid-R0default']);
  });

  it('rejects a bad bench config naming the field, the value and what is valid', () => {
    const p = problemsOf(() =>
      validateBenchConfig(bench({ budget: { iterations: 10, seconds: 5 }, colour: 'red', seeds: [1, 1], objectives: [{ label: 'a b' }] })),
    );
    expect(p).toContain('field "budget" = {"iterations":10,"seconds":5}: give exactly one of "iterations", "trajectories", "seconds"');
    expect(p.some((l) => l.startsWith('field "colour" = "red": unknown field; valid fields: name, description, base'))).toBe(true);
    expect(p.some((l) => l.startsWith('field "seeds" = [1,1]: must NOT have duplicate items'))).toBe(true);
    expect(p.some((l) => l.startsWith('field "objectives.0.label" = "a b": must match pattern'))).toBe(true);
    expect(p).toHaveLength(4);
    expect(problemsOf(() => validateBenchConfig(bench({ objectives: [{ label: 'x' }, { label: 'x' }] })))).toEqual([
      'field "objectives.1.label" = "x": duplicate label; labels must be unique (give entries distinct "label"s)',
    ]);
    expect(problemsOf(() => validateBenchConfig(bench({ environments: [{ label: 'e', env: { height: 3 } }] })))).toEqual([
      'field "environments.0.env.name" is required',
    ]);
    // a programmatic config can hold NaN and Infinity, which JSON cannot: neither is a valid number
    const nonFinite = problemsOf(() => validateBenchConfig(bench({ tvThresholds: [Number.NaN], budget: { seconds: Number.POSITIVE_INFINITY } })));
    expect(nonFinite.some((l) => l.startsWith('field "tvThresholds.0" = NaN: must be number'))).toBe(true);
    expect(nonFinite.some((l) => l.startsWith('field "budget.seconds" = Infinity: must be number'))).toBe(true);
  });

  it('a bad grid fails before any run, naming the runs, the field, the value and the choices', () => {
    const p = problemsOf(() =>
      grid(
        bench({
          objectives: [
            { label: 'tb-u', objective: { name: 'tb' }, overrides: { 'objective.lr': -1 } },
            { label: 'zz', objective: { name: 'tbb' } },
          ],
        }),
      ),
    );
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^hypergrid-height16-tb-u, hypergrid-height32-tb-u: field "objective.lr" = -1: must be > 0/);
    expect(p[1]).toMatch(/^hypergrid-height16-zz, hypergrid-height32-zz: field "objective.name" = "tbb": unknown objective; valid choices: .*\btb\b/);
    const seconds = problemsOf(() =>
      grid(bench({ budget: { seconds: 1 }, evaluation: undefined, base: { backend: 'wasm', objective: { name: 'tb' }, evaluation: { every: 0 } } })),
    );
    expect(seconds[0]).toContain('field "evaluation.every" = 0: a seconds budget stops a run at its first evaluation after the deadline');
    const badKey = problemsOf(() => grid(bench({ objectives: [{ label: 't', objective: { name: 'tb' }, overrides: { 'batchSize.x': 1 } }] })));
    expect(badKey[0]).toMatch(/^hypergrid-height16-t: --set "batchSize.x=1": "batchSize" is not an object/);
  });

  it('the shipped bench configs expand into valid grids', () => {
    const benchDir = fileURLToPath(new URL('../../bench/', import.meta.url));
    const expected = { 'paper-hypergrid-small.json': [2, 9, 3], 'paper-hypergrid.json': [1, 9, 3], 'rl-vs-subeb-h16.json': [1, 4, 3] } as const;
    for (const [file, [envs, objectives, seeds]] of Object.entries(expected)) {
      const config = readBenchConfig(join(benchDir, file));
      const base = loadBase(config, dirname(join(benchDir, file)));
      const { runs, problems } = expandGrid(config, base.config, join(tmp, file));
      const specs = validateGrid(config, runs, registry, join(tmp, file), problems);
      expect(specs, file).toHaveLength(envs * objectives * seeds);
      expect(new Set(specs.map((s) => s.objective)).size).toBe(objectives);
      if (file === 'paper-hypergrid.json') {
        // the paper's setting, taken from configs/paper/ through the base path
        const rlT = specs.find((s) => s.objective === 'rl-t')!.config;
        expect(rlT.env).toMatchObject({ name: 'hypergrid', ndim: 2, height: 256, R0: 0.01 });
        expect(rlT.estimator.hidden).toEqual([256, 256, 256, 256]);
        expect([rlT.batchSize, rlT.iterations, rlT.evaluation.every]).toEqual([128, 10000, 100]);
        expect(rlT.objective).toMatchObject({ optimizer: 'trpo', lr: 1e-3, lrZ: 0.1, lrV: 5e-3, lambda: 0.99, value: { hidden: [256, 256] } });
      }
    }
  });
});
