import { describe, expect, it } from 'vitest';
import { metricRecords, straightAndResumed, tempRunsDir } from './helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';

/**
 * MDB through checkpoints: its replay buffer of transitions, target network, draw stream and Adam
 * state are restored, so 2 x 30 iterations with a resume equal 60 straight (the target is copied
 * every 7 steps, so both before- and after-copy targets cross the checkpoint).
 */
describe('mdb: checkpoint and resume', () => {
  it('2 x 30 iterations with a resume = 60 straight', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'run',
      iterations: 60,
      batchSize: 4,
      checkpoint: { every: 10 },
      logging: { dir, progress: 'none' },
      env: { name: 'dag', d: 4, seed: 1 },
      sampler: { epsilon: 0.5 },
      objective: { name: 'mdb', lr: 1e-3, prefill: 40, transitionBatch: 8, replayCapacity: 200, targetEvery: 7, updatesPerIteration: 2 },
      estimator: { name: 'mlp', hidden: [16] },
      evaluation: { every: 20 },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 30);
    const a = metricRecords(straight);
    const its = a.filter((r) => r.type === 'iteration');
    expect(its).toHaveLength(60);
    // training started after the prefill and the buffer wrapped around (capacity 200)
    expect(its.some((r) => typeof r.loss === 'number' && (r.loss as number) > 0)).toBe(true);
    expect(its.some((r) => r.replaySize === 200)).toBe(true);
    expect(metricRecords(resumed)).toEqual(a);
  });

  it("refuses the trainer's trajectory replay in the config: MDB keeps its own transitions", () => {
    const config = (): unknown =>
      smallConfig({
        iterations: 5,
        env: { name: 'dag', d: 3, seed: 1 },
        replay: { kind: 'terminal' },
        objective: { name: 'mdb', prefill: 8, transitionBatch: 4, replayCapacity: 64 },
        estimator: { name: 'mlp', hidden: [8] },
        evaluation: { mode: 'none' },
      });
    expect(config).toThrow(/field "replay\.kind" = "terminal": objective 'mdb' keeps its own replay buffer; valid choice: "none"/);
  });
});
