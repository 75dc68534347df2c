import { describe, expect, it } from 'vitest';
import { train } from '../../core/run/run.js';
import { registry, smallConfig } from './run-helpers.js';

/**
 * The authors' sequence and DAG setting for Sub-EB: each batch = fresh rollouts from P_F plus chained
 * local-search refinements of them (the shared local-search module), here 2 fresh + 7 × 2 refined in
 * a batch of 16 (the paper: 16 + 7 × 16 in 128). The rl objective accepts them only with the Sub-EB
 * evaluator; with the λ-TD evaluator the trainer refuses the config by name.
 */
describe('rl with evaluator subeb trains on locally searched batches', () => {
  const localSearch = { share: 0.875, backRatio: 0.25, acceptance: 'greedy' };

  it('Sub-EB-B: 2 fresh + 14 refined trajectories per batch, acceptance reported, metrics finite', async () => {
    const config = smallConfig({
      iterations: 4,
      evaluation: { every: 0 },
      logging: { progress: 'none' },
      objective: { name: 'rl', backward: 'coupled', evaluator: 'subeb', value: { hidden: [16] } },
      localSearch,
    });
    const sizes: number[] = [];
    const metrics: Array<Record<string, number>> = [];
    await train(config, registry, {
      subscribers: [],
      beforeRun: (_container, bus) => {
        bus.trajectories$.subscribe((e) => sizes.push(e.batch.nTraj));
        bus.iteration$.subscribe((e) => metrics.push(e.metrics));
      },
    });
    expect(sizes).toEqual([16, 16, 16, 16]);
    for (const m of metrics) {
      expect(m.localSearchAcceptance).toBeGreaterThanOrEqual(0);
      expect(m.localSearchAcceptance).toBeLessThanOrEqual(1);
      for (const key of ['loss', 'valueLoss', 'zDiff', 'logZ']) expect(Number.isFinite(m[key]), key).toBe(true);
    }
  });

  it('with the td evaluator the same config is refused, naming localSearch.share', () => {
    const config = (): unknown =>
      smallConfig({
        iterations: 2,
        logging: { progress: 'none' },
        objective: { name: 'rl', backward: 'coupled', value: { hidden: [16] } },
        localSearch,
      });
    expect(config).toThrow(/localSearch\.share.*on-policy/);
  });
});
