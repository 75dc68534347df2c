import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

/** A tiny synthetic sequence task: 6 bits, 8 modes in 2 codebook groups, α = 1. */
const bitseq = { name: 'bitseq', ndim: 6, alpha: 1, groups: 2, modesPerGroup: 4 };

describe('convergence on a tiny synthetic sequence task (seeded)', () => {
  it.each([
    ['TB-U', { name: 'tb', backward: 'uniform' }],
    ['RL-U', { name: 'rl', backward: 'uniform', value: { hidden: [64, 64] } }],
  ] as const)('%s reaches exact TV < 0.05 and finds every mode', async (label, objective) => {
    const run = await recordRun(smallConfig({ iterations: 1500, env: bitseq, objective, evaluation: { every: 20, samples: 1000 } }), { stopBelowTv: 0.05 });
    const last = run.evaluations.at(-1)!;
    console.log(
      `${label} on bitseq(6): TV ${last.metrics.tv!.toFixed(4)} at iteration ${last.iteration + 1}, modes ${last.metrics.modesFound}/${last.metrics.modesTotal}`,
    );
    expect(last.metrics.tv).toBeLessThan(0.05);
    expect(last.metrics.modesFound).toBe(8);
    expect(last.metrics.modesTotal).toBe(8);
  });
});
