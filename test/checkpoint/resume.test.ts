import { describe, expect, it } from 'vitest';
import { metricRecords, straightAndResumed, tempRunsDir } from './helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';

/**
 * Resume equivalence: 100 iterations straight vs 50, a checkpoint, and 50 more in a fresh
 * container restored from it. Every iteration and evaluation metric must be identical (same seed,
 * same backend); only timings differ.
 */
describe('resume from a checkpoint', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['TB-U', { objective: { name: 'tb', backward: 'uniform' } }],
    [
      'TB-U with prioritized replay and ε-exploration',
      { objective: { name: 'tb', backward: 'uniform' }, replay: { kind: 'prioritized', capacity: 200, ratio: 0.5 }, sampler: { epsilon: 0.1 } },
    ],
    ['TB-B with terminal replay', { objective: { name: 'tb', backward: 'learned' }, replay: { kind: 'terminal', capacity: 100, ratio: 0.25 } }],
    ['RL-B', { objective: { name: 'rl', backward: 'coupled', value: { hidden: [32] } } }],
    // exact evaluation: its own P_T draws (evalModesFound) are counted over all evaluations so far, so
    // with few draws per evaluation that count depends on the evaluator's restored random stream and
    // mode memory; modesFound (training's samples) on the restored run-wide tracker
    ['TB-U on bitseq with mode discovery', { env: { name: 'bitseq', ndim: 6 }, evaluation: { every: 10, samples: 3 } }],
    // sampled evaluation: its random stream and the modes found over the run are restored
    [
      'TB-U on bitseq with sampled evaluation and run-wide mode discovery',
      {
        env: { name: 'bitseq', ndim: 10, groups: 4, modesPerGroup: 4 },
        evaluation: { mode: 'sampled', every: 10, samples: 8, backwardSamples: 2, maxTestStates: 8, topK: 4 },
      },
    ],
  ];
  for (const [label, patch] of cases) {
    it(`${label}: 2 x 50 iterations with a resume = 100 straight`, async () => {
      const dir = tempRunsDir();
      const config = smallConfig({ name: 'run', iterations: 100, checkpoint: { every: 20 }, logging: { dir, progress: 'none' }, ...patch });
      const { straight, resumed } = await straightAndResumed(config, registry, 50);
      const a = metricRecords(straight);
      const b = metricRecords(resumed);
      expect(a.filter((r) => r.type === 'iteration')).toHaveLength(100);
      // at iterations 0 (before the first update), 10, 20, …, 100; the resumed leg does not repeat 0
      expect(a.filter((r) => r.type === 'evaluation').map((r) => r.iteration)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      expect(b).toEqual(a);
      if (label.includes('mode')) {
        const key = label.includes('sampled') ? 'modesFound' : 'evalModesFound';
        const found = a.filter((r) => r.type === 'evaluation').map((r) => r[key] as number);
        // the count still grows after the resume point: restoring it matters
        expect(found[10]).toBeGreaterThan(found[5]!);
      }
    });
  }
});
