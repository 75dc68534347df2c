import { describe, expect, it } from 'vitest';
import { metricRecords, straightAndResumed, tempRunsDir } from './helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';

/**
 * Resume equivalence of the exploration mechanisms: 40 iterations straight vs 20, a checkpoint and
 * 20 more in a fresh container. The local search's random stream, the RND networks, their Adam
 * state and novelty unit, and rl's importance weights and entropy schedule must all come back.
 */
describe('resume with exploration', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['TB-U with MH local search into the batch', { localSearch: { share: 0.5, backRatio: 0.5 } }],
    [
      'TB-B with greedy local search into a replay buffer',
      {
        objective: { name: 'tb', backward: 'learned' },
        localSearch: { share: 0.25, backSteps: 3, acceptance: 'greedy', into: 'replay' },
        replay: { kind: 'uniform', capacity: 200, ratio: 0.25 },
      },
    ],
    ['SubTB-U with intrinsic reward', { objective: { name: 'subtb', backward: 'uniform', intrinsic: { weight: 0.5, decayIterations: 30, hidden: [16] } } }],
    [
      'RL-B with importance weights under ε and an entropy bonus',
      {
        objective: { name: 'rl', backward: 'coupled', value: { hidden: [16] }, importanceWeights: true, entropyBonus: 0.1, entropyDecayIterations: 30 },
        sampler: { epsilon: 0.2 },
      },
    ],
  ];
  for (const [label, patch] of cases) {
    it(`${label}: 2 x 20 iterations with a resume = 40 straight`, async () => {
      const dir = tempRunsDir();
      const config = smallConfig({
        name: 'run',
        iterations: 40,
        checkpoint: { every: 10 },
        logging: { dir, progress: 'none' },
        estimator: { name: 'mlp', hidden: [32] },
        ...patch,
      });
      const { straight, resumed } = await straightAndResumed(config, registry, 20);
      const a = metricRecords(straight);
      expect(a.filter((r) => r.type === 'iteration')).toHaveLength(40);
      expect(metricRecords(resumed)).toEqual(a);
    });
  }
});
