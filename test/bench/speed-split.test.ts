import { describe, expect, it } from 'vitest';
import { isEnumerable } from '../../core/env/environment.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { PHASES, type Phase } from '../../bench/profile.js';
import { ENVIRONMENT_METHODS, withWrappedMethods } from '../../bench/speed/timed-env.js';
import { share, splitIteration } from '../../bench/speed/split.js';
import { environmentTable } from '../../bench/speed/tables.js';
import type { EnvironmentResult } from '../../bench/speed/env-run.js';

const phases = (set: Partial<Record<Phase, number>>): Record<Phase, number> => Object.fromEntries(PHASES.map((p) => [p, set[p] ?? 0])) as Record<Phase, number>;

describe('speed benchmark: split of an iteration', () => {
  it('charges each exclusive phase to one part and the unclaimed time to other', () => {
    const s = splitIteration(phases({ env: 2, network: 10, forward: 3, backward: 1, optimizer: 2, trpo: 0.5, sample: 1.5 }), 25);
    expect(s).toEqual({ iterationMs: 25, env: 2, network: 10, lossOptimizer: 6.5, sampler: 1.5, other: 5 });
    expect(share(s, 'network')).toBeCloseTo(0.4, 12);
    const parts = s.env + s.network + s.lossOptimizer + s.sampler + s.other;
    expect(parts).toBeCloseTo(s.iterationMs, 12);
  });

  it('reports a negative remainder (timer jitter) as 0 and refuses an empty iteration', () => {
    expect(splitIteration(phases({ network: 10.001 }), 10).other).toBe(0);
    expect(() => splitIteration(phases({}), 0)).toThrow(/iterationMs must be > 0, got 0/);
  });
});

describe('speed benchmark: environment table', () => {
  const result = (over: Partial<EnvironmentResult>): EnvironmentResult => ({
    id: 'x',
    label: 'X',
    count: 30,
    wallMs: 40,
    cpuMs: 20,
    profiledWallMs: 50,
    profiledCpuMs: 25,
    split: splitIteration(phases({ env: 5, network: 30, forward: 10 }), 50),
    envMs: { step: 5 },
    profile: { ms: phases({}), kernels: 0, uploads: 0, reads: 0, byKernel: new Map(), kernelMs: new Map() },
    ...over,
  });

  it('prints the shares of the instrumented iteration, the floor beside the network time, and the evaluation', () => {
    const [header, , row] = environmentTable([
      result({ floor: { forwardMs: 8, trainingMs: 12, cpuMs: 19, passes: 40 }, evaluation: { method: 'exact', wallMs: 1234.4, cpuMs: 1000 } }),
    ]);
    expect(header).toContain('% network');
    expect(row).toBe('| X | 30 | 40.0 | 20.0 | 50.0 | 25.0 | 10% | 60% | 20% | 0% | 10% | 30.0 | 20.0 (8.0 + 12.0) | 40% | exact 1234 (1000) |');
  });

  it('marks a missing floor and evaluation, and prints nothing without results', () => {
    expect(environmentTable([result({})])[2]).toMatch(/\| 30\.0 \| – \| – \| – \|$/);
    expect(environmentTable([])).toEqual([]);
  });
});

describe('speed benchmark: timing wrapper around an environment', () => {
  it('routes every contract call through the wrapper, keeps the results and the optional capabilities', () => {
    const env = new HyperGrid({ ndim: 2, height: 4, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
    const calls: string[] = [];
    const wrapped = withWrappedMethods(env, ENVIRONMENT_METHODS, (method, call) => {
      calls.push(method);
      return call();
    });
    expect(isEnumerable(wrapped)).toBe(true);
    const states = env.allStates();
    for (const m of ['forwardMask', 'encode', 'logReward', 'isInitial'] as const) {
      expect(wrapped[m](states)).toEqual(env[m](states));
    }
    const actions = new Int32Array(states.length / env.stateDim).fill(0);
    const s0 = new Int32Array(actions.length * env.stateDim);
    expect(wrapped.step(s0, actions)).toEqual(env.step(s0, actions));
    expect(calls).toEqual(['forwardMask', 'encode', 'logReward', 'isInitial', 'step']);
    // not a contract method: runs unwrapped
    wrapped.stateIndex(states);
    expect(calls).toHaveLength(5);
  });
});
