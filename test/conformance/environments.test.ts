import { describe, expect, it } from 'vitest';
import { checkEnvironment } from '../../core/conformance/environment.js';
import { formatReport } from '../../core/conformance/report.js';
import type { Enumerable, Environment } from '../../core/env/environment.js';
import type { WithFewHotEncoding } from '../../core/env/few-hot.js';
import { PluginRegistry, type Resolver } from '../../core/plugin/plugin.js';
import { resolveConfig } from '../../core/config/validate.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { createBitSeq } from '../../envs/sequence/bitseq.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { ChainEnv } from '../../examples/plugins/chain/chain-env.js';

/** Options that keep each built-in environment small enough for a fast check (the rest are its defaults). */
const SMALL: Record<string, Record<string, unknown>> = {
  hypergrid: { ndim: 3, height: 4 },
  bitseq: { ndim: 4, groups: 2, modesPerGroup: 2 },
  dag: { d: 3, samples: 20 },
};

const noResolver: Resolver = {
  get: () => {
    throw new Error('environments resolve nothing');
  },
};

/** The built-in environment `name` with the options a run would give it: the schema's defaults under `SMALL` and `overrides`. */
function builtin(name: string, overrides: Record<string, unknown> = {}): Environment {
  const registry = new PluginRegistry([builtinPlugin]);
  const config = resolveConfig({ env: { name, ...SMALL[name], ...overrides }, objective: { name: 'tb' } }, registry);
  return registry.envs.get(name)!.create(config.env, noResolver);
}

describe('conformance kit: every built-in environment passes', () => {
  for (const name of builtinPlugin.envs!.map((e) => e.name)) {
    it(name, () => {
      const report = checkEnvironment(builtin(name), { walks: 32 });
      expect(report.ok, formatReport(report)).toBe(true);
      // enumerable ones (all built-in GFlowNet environments at these sizes but sehstr, whose 19^6
      // states are above maxEnumeratedStates) run the distribution checks too
      if (name === 'sehstr') expect(report.checks).not.toContain('log-partition');
      else expect(report.checks).toContain('log-partition');
    });
  }

  it("the example plugin's chain passes too", () => {
    const report = checkEnvironment(new ChainEnv({ length: 12, period: 4 }));
    expect(report.ok, formatReport(report)).toBe(true);
  });

  it('dag above the enumerable size (d = 6) passes the transition checks', () => {
    const report = checkEnvironment(builtin('dag', { d: 6 }), { walks: 16 });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.checks).not.toContain('log-partition');
  });
});

/** `env` with some members replaced (the rest, fields included, read through the prototype). */
function broken<E extends Environment>(env: E, overrides: Partial<Environment & Enumerable & WithFewHotEncoding>): E {
  return Object.assign(Object.create(env) as E, overrides);
}

const failed = (env: Environment): string[] =>
  checkEnvironment(env, { walks: 32 })
    .failures.map((f) => f.check)
    .sort();

describe('conformance kit: a broken environment fails with the names of the broken invariants', () => {
  const grid = (): HyperGrid => new HyperGrid({ ndim: 2, height: 4, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });

  it('a backward step that does not undo the forward step', () => {
    const env = grid();
    // a backward step that moves nothing
    const report = checkEnvironment(broken(env, { backwardStep: (s) => s.slice() }), { walks: 32 });
    expect(report.failures.map((f) => f.check).sort(), formatReport(report)).toEqual(['backward-reaches-s0', 'backward-step-inverse', 'step-inverse']);
    expect(report.failures.find((f) => f.check === 'step-inverse')!.message).toMatch(
      /^step\(\[\d,\d\], \d\) = \[\d,\d\] but backwardStep\(…, \d\) = \[\d,\d\]/,
    );
  });

  it('a backward mask that allows moves the forward mask does not undo', () => {
    const env = grid();
    expect(failed(broken(env, { backwardMask: (s) => new Uint8Array((s.length / 2) * 2).fill(1) }))).toEqual([
      'backward-reaches-s0',
      'backward-step-inverse',
      'initial-state',
    ]);
  });

  it('few-hot columns that are not the observation', () => {
    const env = grid();
    // a column one to the right: the network would read a neighbouring cell
    const shifted = (s: Int32Array): Int32Array => env.encodeColumns(s).map((c) => (c >= 0 ? (c + 1) % env.obsDim : c));
    const report = checkEnvironment(broken(env, { encodeColumns: shifted }), { walks: 32 });
    expect(
      report.failures.map((f) => f.check),
      formatReport(report),
    ).toEqual(['few-hot-columns']);
    expect(report.failures[0]!.message).toMatch(/^encodeColumns\(\[0,0\]\) = \[1,5\] but encode has 1 at column 0, not 0/);
    expect(failed(broken(env, { encodeColumns: (s: Int32Array) => env.encodeColumns(s).subarray(2) }))).toEqual(['few-hot-columns']);
  });

  it('the append variant of bitseq passes, few-hot columns included', () => {
    const report = checkEnvironment(builtin('bitseq', { variant: 'append', wordBits: 2 }), { walks: 32 });
    expect(report.checks).toContain('few-hot-columns');
    expect(report.failures, formatReport(report)).toEqual([]);
  });

  it('maxTrajectoryLength one action too small', () => {
    const env = grid();
    expect(failed(broken(env, { maxTrajectoryLength: env.maxTrajectoryLength - 1 }))).toEqual(['longest-trajectory', 'trajectory-length']);
    // without the exhaustive pass, the walks alone catch it
    const report = checkEnvironment(broken(env, { maxTrajectoryLength: env.maxTrajectoryLength - 1 }), { walks: 32, maxExhaustiveStates: 0 });
    expect(report.failures.map((f) => f.check)).toEqual(['trajectory-length']);
  });

  it('a dead end: no forward action allowed in a corner', () => {
    const env = grid();
    const inner = env.forwardMask.bind(env);
    const mask = (s: Int32Array): Uint8Array => {
      const m = inner(s);
      for (let i = 0; i < s.length / 2; i++) if (s[2 * i] === 3 && s[2 * i + 1] === 3) m.fill(0, i * 3, i * 3 + 3);
      return m;
    };
    // the corner's probability mass now sits where exit is not allowed, which is reported too
    expect(failed(broken(env, { forwardMask: mask }))).toEqual([
      'log-partition',
      'no-dead-ends',
      'true-distribution-matches-reward',
      'true-distribution-zero-where-no-exit',
    ]);
  });

  it('true distribution not normalised, log Z not matching it', () => {
    const env = grid();
    const p = env.trueDistribution().map((v) => 2 * v);
    expect(failed(broken(env, { trueDistribution: () => p }))).toEqual(['true-distribution-matches-reward', 'true-distribution-sums-to-one']);
    // trueDistribution reads logPartition through `this`: keep the original distribution
    const p0 = env.trueDistribution();
    expect(failed(broken(env, { logPartition: () => env.logPartition() + 0.1, trueDistribution: () => p0 }))).toEqual(['log-partition']);
  });

  it('mass on states where exit is not allowed (bitseq: only full sequences terminate)', () => {
    const env = createBitSeq({ ndim: 3, groups: 1, modesPerGroup: 2 });
    const p = env.trueDistribution().slice();
    const nonTerminal = Array.from(p.keys()).find((i) => p[i] === 0)!;
    const moved = p.findIndex((v) => v > 0);
    p[nonTerminal] = p[moved]!;
    p[moved] = 0;
    expect(failed(broken(env, { trueDistribution: () => p }))).toEqual(['true-distribution-matches-reward', 'true-distribution-zero-where-no-exit']);
  });

  it('allStates not parents-first, and a stateIndex that does not invert it', () => {
    const env = grid();
    const d = env.stateDim;
    const n = env.nStates;
    const all = env.allStates();
    const reversed = new Int32Array(all.length);
    for (let i = 0; i < n; i++) reversed.set(all.subarray((n - 1 - i) * d, (n - i) * d), i * d);
    const pr = env.trueDistribution().slice().reverse();
    const consistent = broken(env, { allStates: () => reversed, stateIndex: (s) => env.stateIndex(s).map((k) => n - 1 - k), trueDistribution: () => pr });
    expect(failed(consistent)).toEqual(['parents-before-children']);
    expect(failed(broken(env, { allStates: () => reversed, trueDistribution: () => pr }))).toEqual(
      expect.arrayContaining(['state-index-inverts-all-states', 'all-states-covers-reachable']),
    );
  });

  it('a method that throws fails its own checks only, with the error message', () => {
    const env = grid();
    const report = checkEnvironment(
      broken(env, {
        encode: () => {
          throw new Error('encode is broken');
        },
      }),
      { walks: 8 },
    );
    expect(report.failures).toEqual([{ check: 'shapes', message: 'threw: encode is broken' }]);
  });
});
