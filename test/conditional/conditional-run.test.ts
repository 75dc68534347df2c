import { describe, expect, it } from 'vitest';
import { metricRecords, straightAndResumed, tempRunsDir } from '../checkpoint/helpers.js';
import { recordRun, registry, smallConfig } from '../training/run-helpers.js';

const CONDITION = { beta: { distribution: 'log-uniform', min: 0.5, max: 4 } };
const GRID = [0.5, 1, 2, 4];

describe('a conditional run', () => {
  it('is evaluated exactly at each β of the grid: tv@beta=…, their mean as tv, the worst as tvMax, log Z(c) against log Z_β', async () => {
    const run = await recordRun(smallConfig({ iterations: 20, condition: CONDITION, evaluation: { every: 10 } }));
    expect(run.evaluations.map((e) => e.iteration)).toEqual([0, 10, 20]);
    for (const { metrics, method } of run.evaluations) {
      expect(method).toBe('exact');
      const tvs = GRID.map((b) => metrics[`tv@beta=${b}`]!);
      for (const tv of tvs) expect(tv).toBeGreaterThan(0);
      expect(metrics.tv).toBeCloseTo(tvs.reduce((a, b) => a + b, 0) / GRID.length, 12);
      expect(metrics.tvMax).toBe(Math.max(...tvs));
      for (const b of GRID) {
        expect(metrics[`jsd@beta=${b}`]).toBeGreaterThan(0);
        expect(Number.isFinite(metrics[`logZError@beta=${b}`])).toBe(true);
      }
    }
    // the training batches mix conditions: log Z(c) is no longer the same at every β
    const last = run.evaluations.at(-1)!.metrics;
    expect(new Set(GRID.map((b) => last[`logZ@beta=${b}`])).size).toBe(GRID.length);
  });

  const tbB = { objective: { name: 'tb', backward: 'learned' }, replay: { kind: 'prioritized', capacity: 100, ratio: 0.25 } };
  // RL-B: log Ẑ(c) (set from the first batch), V, V_B, P_B and their Adam states
  const rlB = { objective: { name: 'rl', backward: 'coupled', logZInit: 'auto', value: { hidden: [16] } } };
  const resumes: Array<[string, Record<string, unknown>, Record<string, unknown>, number[]]> = [
    ['TB-B with replay, evaluated every 5 from iteration 0', tbB, { every: 5 }, [0, 5, 10, 15, 20]],
    // the first leg ends before the first evaluation: its checkpoint holds the evaluator's stream alone
    ['TB-B with replay, first evaluated after the resume point', tbB, { every: 15, atStart: false }, [15, 20]],
    ['RL-B, evaluated every 5 from iteration 0', rlB, { every: 5 }, [0, 5, 10, 15, 20]],
  ];
  for (const [label, objective, evaluation, evaluated] of resumes) {
    it(`resumes bit for bit, ${label}: 2 x 10 iterations with a resume = 20 straight (the β drawn, log Z(c), the evaluation)`, async () => {
      const dir = tempRunsDir();
      const config = smallConfig({
        name: 'cond',
        iterations: 20,
        condition: CONDITION,
        ...objective,
        evaluation,
        checkpoint: { every: 5 },
        logging: { dir, progress: 'none' },
      });
      const { straight, resumed } = await straightAndResumed(config, registry, 10);
      const a = metricRecords(straight);
      expect(a.filter((r) => r.type === 'evaluation').map((r) => r.iteration)).toEqual(evaluated);
      expect(a.filter((r) => r.type === 'evaluation').every((r) => typeof r['tv@beta=4'] === 'number' && typeof r['logZ@beta=4'] === 'number')).toBe(true);
      expect(metricRecords(resumed)).toEqual(a);
    });
  }
});
