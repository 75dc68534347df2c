import { describe, expect, it } from 'vitest';
import { metricRecords, straightAndResumed, tempRunsDir } from './helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';

/**
 * The Sub-EB evaluator of the rl objective through checkpoints: 100 iterations straight equal 50, a
 * checkpoint and 50 more in a fresh container (V, the Sub-EB-trained P_B, log Ẑ and every Adam
 * group restored); and a combination it does not support is refused by name before training.
 */
describe('rl with evaluator subeb: checkpoints and configuration', () => {
  it('Sub-EB-B: 2 x 50 iterations with a resume = 100 straight', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'run',
      iterations: 100,
      checkpoint: { every: 20 },
      logging: { dir, progress: 'none' },
      objective: { name: 'rl', backward: 'coupled', evaluator: 'subeb', value: { hidden: [32] } },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 50);
    const a = metricRecords(straight);
    expect(a.filter((r) => r.type === 'iteration')).toHaveLength(100);
    expect(a.filter((r) => r.type === 'iteration').every((r) => typeof r.zDiff === 'number')).toBe(true);
    expect(metricRecords(resumed)).toEqual(a);
  });

  it("refuses backward 'guided' with evaluator 'subeb' in the config, naming both", () => {
    const config = (): unknown => smallConfig({ iterations: 5, objective: { name: 'rl', backward: 'guided', evaluator: 'subeb', value: { hidden: [8] } } });
    expect(config).toThrow(/field "objective\.backward" = "guided": evaluator 'subeb'.*not backward 'guided'/);
  });
});
