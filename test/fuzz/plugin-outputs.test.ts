import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { resolveConfig } from '../../core/config/validate.js';
import { EnvironmentError } from '../../core/env/checked-environment.js';
import { preflight } from '../../core/config/preflight.js';
import type { Environment } from '../../core/env/environment.js';
import { definePlugin, PluginRegistry } from '../../core/plugin/plugin.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import faultyPlugin, { FAULTS, FAULTY_METHODS, type FaultOptions } from './faulty-env-plugin.js';
import { fuzzOptions } from './seeds.js';

const registry = new PluginRegistry([builtinPlugin, faultyPlugin]);

/**
 * A short run on the faulty grid: RL-B samples forward and backward trajectories, so every method
 * of the contract is called in its first iteration.
 */
function runConfig(env: Partial<FaultOptions>, dir = mkdtempSync(join(tmpdir(), 'gfn-faulty-'))): Record<string, unknown> {
  return {
    name: 'faulty',
    iterations: 3,
    batchSize: 4,
    env: { name: 'faulty-grid', ...env },
    objective: { name: 'rl', backward: 'coupled' },
    estimator: { name: 'mlp', hidden: [8] },
    evaluation: { mode: 'none' },
    logging: { dir, progress: 'none' },
  };
}

/** What a broken output is reported as, after `<origin>: <method> `. */
const EXPECTED: Record<FaultOptions['fault'], (method: string) => RegExp> = {
  nan: () => /^returned NaN for state \[\d+, \d+\] \(row \d+\); a log-reward must be a number or -Infinity/,
  inf: () => /^returned Infinity for state \[\d+, \d+\] \(row \d+\)/,
  short: () => /^returned length \d+ for a batch of \d+ states; expected \d+ x \d+ = \d+$/,
  long: () => /^returned length \d+ for a batch of \d+ states; expected \d+ x \d+ = \d+$/,
  none: () => /^returned undefined \(no array\) for a batch of \d+ states/,
  throw: (method) => new RegExp(`^threw: ${method} failed on purpose$`),
  throwString: (method) => new RegExp(`^threw: ${method} gave up$`),
};

const ORIGIN = "environment 'faulty-grid' of plugin 'faulty-plugin'";

describe("an environment plugin's broken outputs fail the run with an error naming the plugin, the method and what was wrong", () => {
  const faults = fc
    .record({ method: fc.constantFrom(...FAULTY_METHODS), fault: fc.constantFrom(...FAULTS), after: fc.integer({ min: 0, max: 2 }) })
    // NaN and Infinity are wrong values of a log-reward; elsewhere the length and the exceptions are checked
    .filter((o) => o.method === 'logReward' || (o.fault !== 'nan' && o.fault !== 'inf'));

  it('for NaN and +Infinity log-rewards, arrays of the wrong length and exceptions in any method', async () => {
    await fc.assert(
      fc.asyncProperty(faults, async (options) => {
        const failure = await train(resolveConfig(runConfig(options), registry), registry, { subscribers: [] }).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(failure, JSON.stringify(options)).toBeInstanceOf(EnvironmentError);
        const message = (failure as EnvironmentError).message;
        expect(message.startsWith(`${ORIGIN}: ${options.method} `), message).toBe(true);
        expect(message.slice(`${ORIGIN}: ${options.method} `.length)).toMatch(EXPECTED[options.fault](options.method));
      }),
      { ...fuzzOptions(16), numRuns: Number(process.env.GFN_FUZZ_RUNS ?? 16) },
    );
  });

  it('-Infinity is a log-reward of 0, not an error', async () => {
    const zeroEdge = definePlugin({
      name: 'zero-edge-plugin',
      envs: [{ name: 'zero-edge', description: 'a HyperGrid whose far edge has reward 0', schema: { properties: {} }, create: zeroEdgeGrid }],
    });
    const withIt = new PluginRegistry([builtinPlugin, zeroEdge]);
    const config = resolveConfig({ ...runConfig({}), env: { name: 'zero-edge' }, iterations: 20 }, withIt);
    await expect(train(config, withIt, { subscribers: [] })).resolves.toBeDefined();
  });

  it('sizes it declares that cannot work are a problem of the config, found by the preflight', () => {
    for (const [declared, what] of [
      ['s0', 's0 has length 3; expected stateDim = 2'],
      ['nActions', 'nActions is 1; it must be an integer >= 2 (exit is the last action)'],
    ] as const) {
      expect(() => preflight(runConfig({ declared }), registry)).toThrow(ConfigError);
      expect(() => preflight(runConfig({ declared }), registry)).toThrow(
        `field "env.name" = "faulty-grid": the environment could not be built: ${ORIGIN}: ${what} (from the options`,
      );
    }
  });

  it('`gfn train` exits 1 with one gfn: line naming the plugin, the method and the value; no stack, no checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfn-faulty-cli-'));
    const configPath = join(dir, 'faulty.json');
    writeFileSync(
      configPath,
      JSON.stringify({ ...runConfig({ method: 'logReward', fault: 'nan', after: 1 }, dir), plugins: [resolve('test/fuzz/faulty-env-plugin.ts')] }),
    );
    const { code, stdout, stderr } = await promisify(execFile)('node', [resolve('bin/gfn.js'), 'train', configPath], { cwd: dir }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(code, stderr).toBe(1);
    const lines = `${stdout}${stderr}`.split('\n').filter((l) => l.startsWith('gfn:'));
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^gfn: ${ORIGIN}: logReward returned NaN for state \\[\\d+, \\d+\\]`));
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(join(dir, 'faulty')).sort()).not.toContain('checkpoint.json');
  });
});

/** A 2-D HyperGrid of height 4 whose far edge (first coordinate 3) has reward 0: log-reward −Infinity. */
function zeroEdgeGrid(): Environment {
  const grid = new HyperGrid({ ndim: 2, height: 4, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
  const logReward = grid.logReward.bind(grid);
  return Object.assign(grid, {
    logReward: (states: Int32Array) => logReward(states).map((v, i) => (states[2 * i] === 3 ? Number.NEGATIVE_INFINITY : v)),
  });
}
