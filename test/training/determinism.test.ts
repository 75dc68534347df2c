import { describe, expect, it } from 'vitest';
import { type RecordedRun, recordRun, smallConfig } from './run-helpers.js';

/** The numbers of a run without its timings. */
const numbers = (run: RecordedRun) => ({
  iterations: run.iterations.map((e) => e.metrics),
  evaluations: run.evaluations.map((e) => e.metrics),
});

describe('determinism', () => {
  it('same config and seed give identical metrics; another seed gives different ones', async () => {
    const a = numbers(await recordRun(smallConfig({ iterations: 40, seed: 3 })));
    const b = numbers(await recordRun(smallConfig({ iterations: 40, seed: 3 })));
    const c = numbers(await recordRun(smallConfig({ iterations: 40, seed: 4 })));
    expect(a.iterations).toHaveLength(40);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});
