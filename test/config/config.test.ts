import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRawConfig } from '../../plugins/node/config-file.js';
import { applyOverrides } from '../../core/config/overrides.js';
import { ConfigError } from '../../core/base/errors.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const registry = new PluginRegistry([builtinPlugin]);
const minimal = (): Record<string, unknown> => ({ env: { name: 'hypergrid' }, objective: { name: 'tb' } });

/** The ConfigError thrown by resolving `raw` (fails the test if none is thrown). */
function configError(raw: unknown): ConfigError {
  try {
    resolveConfig(raw, registry);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected resolveConfig to throw');
}

describe('resolveConfig', () => {
  it('fills in every default', () => {
    const c = resolveConfig(minimal(), registry);
    expect(c.name).toBe('run');
    expect(c.seed).toBe(0);
    expect(c.backend).toBe('auto');
    expect(c.iterations).toBe(1000);
    expect(c.batchSize).toBe(16);
    expect(c.estimator).toEqual({ name: 'mlp', hidden: [256, 256, 256, 256], activation: 'relu', exitHead: 'softmax', sparseInput: 'auto' });
    expect(c.env).toEqual({ name: 'hypergrid', ndim: 2, height: 8, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
    expect(c.objective).toEqual({
      name: 'tb',
      backward: 'uniform',
      lr: 1e-3,
      lrZ: 0.1,
      logZInit: 'auto',
      logRewardClip: -12,
      intrinsic: { weight: 0, decayIterations: 0, hidden: [64, 64], outputDim: 16, lr: 1e-3 },
    });
    expect(c.sampler).toEqual({ epsilon: 0, epsilonDecayIterations: 0, temperature: 1 });
    expect(c.replay).toEqual({ kind: 'none', capacity: 10000, ratio: 0.5, priorityExponent: 1 });
    expect(c.localSearch).toEqual({ share: 0, acceptance: 'mh', into: 'batch' });
    expect(c.evaluation).toEqual({
      mode: 'auto',
      every: 'auto',
      budget: 0.1,
      samples: 1000,
      atStart: true,
      exactMaxStates: 1_000_000,
      backwardSamples: 10,
      maxTestStates: 64,
      topK: 100,
    });
    expect(c.engine).toEqual({ name: 'auto', threads: 'auto' });
    expect(c.logging).toEqual({ dir: 'runs', every: 50, progress: 'auto', episodeWindow: 100 });
    expect(c.plugins).toEqual([]);
  });

  it('keeps given values and does not mutate its input', () => {
    const raw = { ...minimal(), seed: 3, estimator: { name: 'mlp', hidden: [8] }, env: { name: 'hypergrid', height: 5 } };
    const copy = structuredClone(raw);
    const c = resolveConfig(raw, registry);
    expect(c.seed).toBe(3);
    expect(c.estimator).toEqual({ name: 'mlp', hidden: [8], activation: 'relu', exitHead: 'softmax', sparseInput: 'auto' });
    expect(c.env.height).toBe(5);
    expect(c.env.ndim).toBe(2);
    expect(raw).toEqual(copy);
  });

  it('unknown env name: names the field, the bad value and the valid choices', () => {
    const e = configError({ ...minimal(), env: { name: 'hypergird' } });
    expect(e.message).toContain('env.name');
    expect(e.message).toContain('hypergird');
    expect(e.message).toContain('hypergrid');
    expect(e.problems.length).toBe(1);
  });

  it('unknown objective name lists the registered objectives', () => {
    const e = configError({ ...minimal(), objective: { name: 'xyz' } });
    expect(e.message).toContain('objective.name');
    expect(e.message).toContain('xyz');
    expect(e.message).toMatch(/valid choices:.*\btb\b/);
  });

  it('negative height: names the field and the value', () => {
    const e = configError({ ...minimal(), env: { name: 'hypergrid', height: -3 } });
    expect(e.message).toContain('env.height');
    expect(e.message).toContain('-3');
  });

  it('a wrong type is reported with its field', () => {
    const e = configError({ ...minimal(), estimator: { name: 'mlp', hidden: 'big' } });
    expect(e.message).toContain('estimator.hidden');
    expect(e.message).toContain('big');
  });

  it('unknown top-level field: names it and lists the valid fields', () => {
    const e = configError({ ...minimal(), iteratons: 5 });
    expect(e.message).toContain('iteratons');
    for (const f of ['seed', 'backend', 'iterations', 'batchSize', 'env', 'objective', 'estimator']) expect(e.message).toContain(f);
  });

  it('unknown field inside objective: names it and lists the objective’s fields', () => {
    const e = configError({ ...minimal(), objective: { name: 'tb', lrz: 0.1 } });
    expect(e.message).toContain('objective.lrz');
    for (const f of ['backward', 'lr', 'lrZ', 'logZInit', 'logRewardClip']) expect(e.message).toContain(f);
  });

  it('logZInit: a number or "auto"; anything else names the field, the value and both choices in one line', () => {
    const e = configError({ ...minimal(), objective: { name: 'tb', logZInit: 'guess' } });
    expect(e.problems).toEqual([expect.stringContaining('field "objective.logZInit" = "guess": must be a number or "auto"')]);
    expect(configError({ ...minimal(), objective: { name: 'rl', logZInit: true } }).message).toContain(
      'field "objective.logZInit" = true: must be a number or "auto"',
    );
    expect(resolveConfig({ ...minimal(), objective: { name: 'rl', logZInit: 3.5 } }, registry).objective.logZInit).toBe(3.5);
    expect(resolveConfig({ ...minimal(), objective: { name: 'rl' } }, registry).objective.logZInit).toBe('auto');
  });

  it('bad backend lists the valid choices', () => {
    const e = configError({ ...minimal(), backend: 'gpu' });
    expect(e.message).toContain('backend');
    expect(e.message).toContain('gpu');
    for (const b of ['auto', 'tensorflow', 'wasm', 'cpu']) expect(e.message).toContain(b);
  });

  it('a missing required section is named', () => {
    const e = configError({ objective: { name: 'tb' } });
    expect(e.message).toContain('env');
    expect(e.message).toMatch(/required/);
  });

  it('replay: a bad kind lists the valid choices; ratio must lie in [0, 1)', () => {
    const e = configError({ ...minimal(), replay: { kind: 'fifo', ratio: 1, capacity: 0 } });
    expect(e.problems.length).toBe(3);
    expect(e.message).toContain('field "replay.kind" = "fifo"');
    for (const k of ['none', 'uniform', 'prioritized', 'terminal']) expect(e.message).toContain(`"${k}"`);
    expect(e.message).toMatch(/field "replay\.ratio" = 1: must be < 1/);
    expect(e.message).toMatch(/field "replay\.capacity" = 0: must be >= 1/);
    expect(configError({ ...minimal(), replay: { ratio: -0.1 } }).message).toContain('replay.ratio');
    expect(configError({ ...minimal(), replay: { kind: 'uniform', size: 5 } }).message).toMatch(/replay\.size.*capacity/);
  });

  it('sampler: the ε schedule fields are checked and have defaults', () => {
    const c = resolveConfig({ ...minimal(), sampler: { epsilon: 0.5, epsilonFinal: 0.05, epsilonDecayIterations: 100 } }, registry);
    expect(c.sampler).toEqual({ epsilon: 0.5, epsilonFinal: 0.05, epsilonDecayIterations: 100, temperature: 1 });
    const e = configError({ ...minimal(), sampler: { epsilonFinal: 1.5, epsilonDecayIterations: 2.5 } });
    expect(e.message).toContain('sampler.epsilonFinal');
    expect(e.message).toContain('1.5');
    expect(e.message).toContain('sampler.epsilonDecayIterations');
  });

  it('reports several problems at once', () => {
    const e = configError({ ...minimal(), env: { name: 'hypergrid', height: 0, ndim: 0 } });
    expect(e.problems.length).toBe(2);
    expect(e.message).toContain('env.height');
    expect(e.message).toContain('env.ndim');
  });
});

describe('applyOverrides', () => {
  it('sets nested fields with JSON-parsed values', () => {
    const base = { env: { name: 'hypergrid', height: 8 }, objective: { name: 'tb' } };
    const out = applyOverrides(base, [
      'env.height=16',
      'estimator.hidden=[32,32]',
      'objective.backward=learned',
      'sampler.epsilon=0.25',
      'env.rewardCos=true',
      'logging.dir="out dir"',
    ]);
    expect(out).toEqual({
      env: { name: 'hypergrid', height: 16, rewardCos: true },
      objective: { name: 'tb', backward: 'learned' },
      estimator: { hidden: [32, 32] },
      sampler: { epsilon: 0.25 },
      logging: { dir: 'out dir' },
    });
    expect(typeof (out.env as Record<string, unknown>).height).toBe('number');
    // the input is untouched
    expect(base.env.height).toBe(8);
    expect('estimator' in base).toBe(false);
  });

  it('a value containing = keeps everything after the first =', () => {
    expect(applyOverrides({}, ['name=a=b'])).toEqual({ name: 'a=b' });
  });

  it('rejects strings without = and with an empty key', () => {
    expect(() => applyOverrides({}, ['env.height'])).toThrow(/key=value/);
    expect(() => applyOverrides({}, ['=3'])).toThrow(/key=value/);
    expect(() => applyOverrides({}, ['env..height=3'])).toThrow(/empty segment/);
  });

  it('rejects descending into a non-object', () => {
    expect(() => applyOverrides({ seed: 1 }, ['seed.x=2'])).toThrow(/seed/);
  });
});

describe('readRawConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfn-config-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing file', () => {
    const path = join(dir, 'does-not-exist.json');
    expect(() => readRawConfig(path)).toThrow(path);
  });

  it('names a file with invalid JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "env": { "name": "hypergrid", } ');
    expect(() => readRawConfig(path)).toThrow(/not valid JSON/);
    expect(() => readRawConfig(path)).toThrow(path);
  });

  it('rejects a JSON value that is not an object', () => {
    const path = join(dir, 'array.json');
    writeFileSync(path, '[1, 2]');
    expect(() => readRawConfig(path)).toThrow(/JSON object/);
  });

  it('defaults the run name to the file name and applies overrides', () => {
    const path = join(dir, 'my-run.json');
    writeFileSync(path, JSON.stringify({ env: { name: 'hypergrid' }, objective: { name: 'tb' } }));
    const raw = readRawConfig(path, ['env.height=5']);
    expect(raw.name).toBe('my-run');
    expect(raw.env).toEqual({ name: 'hypergrid', height: 5 });
    const named = join(dir, 'other.json');
    writeFileSync(named, JSON.stringify({ name: 'explicit', env: { name: 'hypergrid' }, objective: { name: 'tb' } }));
    expect(readRawConfig(named).name).toBe('explicit');
  });

  it('configs/default.json validates', () => {
    const path = fileURLToPath(new URL('../../configs/default.json', import.meta.url));
    const c = resolveConfig(readRawConfig(path), registry);
    expect(c.name).toBe('default');
    expect(c.env.name).toBe('hypergrid');
    expect(c.objective.name).toBe('rl');
    expect(c.estimator.hidden).toEqual([128, 128]);
  });
});
