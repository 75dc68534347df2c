import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from '../training/run-helpers.js';

const CONDITION = { beta: { distribution: 'log-uniform', min: 0.5, max: 4 } };
const GRID = [0.5, 1, 2, 4];

describe('conditional runs of every batch objective', () => {
  const others: Array<[string, Record<string, unknown>]> = [
    ['DB-U', { objective: { name: 'db' } }],
    ['SubTB-B', { objective: { name: 'subtb', backward: 'learned' } }],
    ['FM', { objective: { name: 'fm' } }],
    ['RL-U', { objective: { name: 'rl', value: { hidden: [16] } } }],
    ['RL-B', { objective: { name: 'rl', backward: 'coupled', value: { hidden: [16] } } }],
  ];
  it('is evaluated by sampling at each β where the environment is too large to enumerate', async () => {
    const run = await recordRun(
      smallConfig({
        iterations: 5,
        env: { name: 'bitseq', ndim: 10, groups: 4, modesPerGroup: 4 },
        condition: { ...CONDITION, grid: [0.5, 2] },
        evaluation: { mode: 'sampled', every: 5, atStart: false, samples: 16, backwardSamples: 2, maxTestStates: 8, topK: 4 },
      }),
    );
    const { metrics, method } = run.evaluations.at(-1)!;
    expect(method).toBe('sampled');
    for (const b of [0.5, 2]) expect(Number.isFinite(metrics[`elbo@beta=${b}`])).toBe(true);
    expect(metrics.elbo).toBeCloseTo((metrics['elbo@beta=0.5']! + metrics['elbo@beta=2']!) / 2, 9);
  });

  for (const [label, patch] of others) {
    it(`trains ${label} conditioned on β: finite losses, evaluated at every β`, async () => {
      const run = await recordRun(smallConfig({ iterations: 10, condition: CONDITION, evaluation: { every: 10, atStart: false }, ...patch }));
      for (const it of run.iterations) expect(Number.isFinite(it.metrics.loss)).toBe(true);
      const { metrics } = run.evaluations.at(-1)!;
      for (const b of GRID) expect(metrics[`tv@beta=${b}`]).toBeGreaterThan(0);
      if (label.startsWith('RL')) {
        // log Ẑ(c) is a network of the condition: read at each β, against log Z_β there
        expect(new Set(GRID.map((b) => metrics[`logZ@beta=${b}`])).size).toBe(GRID.length);
        for (const b of GRID) expect(Number.isFinite(metrics[`logZError@beta=${b}`])).toBe(true);
      }
    });
  }
});
