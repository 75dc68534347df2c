import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

describe('convergence (seeded, small)', () => {
  it('TB-U on 2-D H=8 R0=0.1 reaches exact TV < 0.05', async () => {
    const run = await recordRun(smallConfig({ iterations: 1000, evaluation: { every: 10 } }));
    const hit = run.evaluations.find((e) => e.metrics.tv! < 0.05);
    console.log(`TB-U H=8: TV < 0.05 first at iteration ${hit ? hit.iteration + 1 : 'never'}; final TV ${run.evaluations.at(-1)?.metrics.tv}`);
    expect(hit).toBeDefined();
    expect(run.evaluations.at(-1)!.metrics.tv).toBeLessThan(0.05);
    // log Z is learned too: the final estimate is close to the true log Z
    expect(run.evaluations.at(-1)!.metrics.logZError).toBeLessThan(0.1);
  });
});
