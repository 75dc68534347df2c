import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

/**
 * The rl objective with the Sub-EB evaluator trains end to end: 2-D H=8 R0=0.1, MLP 2x64, batch 16,
 * seed 0, stopping at the first exact TV below 0.05 — the bound the RL variants meet in
 * convergence.test.ts.
 */
const cases: Array<[string, Record<string, unknown>]> = [
  ['Sub-EB-U', { name: 'rl', backward: 'uniform', evaluator: 'subeb' }],
  ['Sub-EB-B', { name: 'rl', backward: 'coupled', evaluator: 'subeb' }],
];

describe('Sub-EB convergence (seeded, small)', () => {
  it.each(cases)('%s on 2-D H=8 R0=0.1 reaches exact TV < 0.05', async (label, objective) => {
    const run = await recordRun(smallConfig({ iterations: 1500, objective, evaluation: { every: 10 } }), { stopBelowTv: 0.05 });
    const last = run.evaluations.at(-1)!;
    console.log(`${label}: TV ${last.metrics.tv!.toFixed(4)} at iteration ${last.iteration + 1}, |log Ẑ − log Z| ${last.metrics.logZError!.toFixed(4)}`);
    expect(last.metrics.tv).toBeLessThan(0.05);
  });
});
