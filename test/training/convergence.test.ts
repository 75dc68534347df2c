import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

/** 2-D H=8 R0=0.1, MLP 2x64, batch 16, seed 0; stops at the first exact TV below 0.05. */
const cases: Array<[string, Record<string, unknown>]> = [
  ['TB-U', { name: 'tb', backward: 'uniform' }],
  ['RL-U', { name: 'rl', backward: 'uniform' }],
  ['RL-B', { name: 'rl', backward: 'coupled' }],
  ['RL-G', { name: 'rl', backward: 'guided' }],
  ['RL-T', { name: 'rl', backward: 'uniform', optimizer: 'trpo' }],
];

/** The value-based baselines: issue bound TV < 0.08. */
const baselines: Array<[string, Record<string, unknown>]> = [
  ['TB-B', { name: 'tb', backward: 'learned' }],
  ['DB-U', { name: 'db', backward: 'uniform' }],
  ['SubTB-U', { name: 'subtb', backward: 'uniform' }],
];

describe('convergence (seeded, small)', () => {
  it.each(baselines)('%s on 2-D H=8 R0=0.1 reaches exact TV < 0.08', async (label, objective) => {
    const run = await recordRun(smallConfig({ iterations: 1500, objective, evaluation: { every: 10 } }), { stopBelowTv: 0.08 });
    const last = run.evaluations.at(-1)!;
    console.log(`${label}: TV ${last.metrics.tv!.toFixed(4)} at iteration ${last.iteration + 1}, |log Ẑ − log Z| ${last.metrics.logZError!.toFixed(4)}`);
    expect(last.metrics.tv).toBeLessThan(0.08);
  });

  it.each(cases)('%s on 2-D H=8 R0=0.1 reaches exact TV < 0.05', async (label, objective) => {
    const run = await recordRun(smallConfig({ iterations: 1500, objective, evaluation: { every: 10 } }), { stopBelowTv: 0.05 });
    const last = run.evaluations.at(-1)!;
    console.log(`${label}: TV ${last.metrics.tv!.toFixed(4)} at iteration ${last.iteration + 1}, |log Ẑ − log Z| ${last.metrics.logZError!.toFixed(4)}`);
    expect(last.metrics.tv).toBeLessThan(0.05);
  });
});
