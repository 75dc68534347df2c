import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../core/di/tokens.js';
import { train } from '../../core/run/run.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { registry, smallConfig } from '../training/run-helpers.js';
import { metricRecords, straightAndResumed, tempRunsDir } from './helpers.js';

const QUIET = ['evaluator', 'jsonl', 'checkpoint'];

/**
 * logZInit "auto" across a resume: the estimate is made once, at the first update, recorded as
 * `logZInit` in that iteration's record only, and a resumed run (from a current checkpoint, or
 * from one written before the initialised flag existed) does not estimate again.
 */
describe('logZInit auto and checkpoints', () => {
  for (const objective of [{ name: 'tb' }, { name: 'rl', value: { hidden: [16] } }]) {
    it(`${objective.name}: logZInit appears in iteration 1 only, and 2 x 15 iterations with a resume = 30 straight`, async () => {
      const dir = tempRunsDir();
      const config = smallConfig({ name: 'run', iterations: 30, objective, checkpoint: { every: 0 }, logging: { dir, progress: 'none' } });
      const { straight, resumed } = await straightAndResumed(config, registry, 15);
      const a = metricRecords(straight).filter((r) => r.type === 'iteration');
      expect(a).toHaveLength(30);
      expect(a.filter((r) => 'logZInit' in r).map((r) => r.iteration)).toEqual([1]);
      const start = a[0]!.logZInit as number;
      // not the old default: the estimate of a random policy on this grid is far from 0
      expect(Math.abs(start)).toBeGreaterThan(0.5);
      expect(Math.abs((a[0]!.logZ as number) - start)).toBeLessThanOrEqual(0.1 * 1.001);
      expect(metricRecords(resumed).filter((r) => r.type === 'iteration')).toEqual(a);
      // same config and seed, same estimate
      const again = smallConfig({ name: 'again', iterations: 1, objective, logging: { dir, progress: 'none' } });
      await train(again, registry, { subscribers: QUIET });
      expect(metricRecords(join(dir, 'again')).find((r) => r.type === 'iteration')!.logZInit).toBe(start);
    }, 120_000);
  }

  it('a checkpoint without the initialised flag (older format) loads as initialised: the resumed run continues as the straight one', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'run', iterations: 20, checkpoint: { every: 0 }, logging: { dir, progress: 'none' } });
    await train(config, registry, { subscribers: QUIET });
    const split = { ...config, name: 'split' };
    await train(split, registry, {
      subscribers: QUIET,
      beforeRun: (container, bus) => bus.iteration$.subscribe((e) => e.iteration === 10 && container.get(TOKENS.Trainer).stop()),
    });
    const doc = readCheckpoint(join(dir, 'split'));
    const extra = doc.state.objective!.extra as Record<string, unknown>;
    expect(extra.logZInit).toEqual({ initialised: true });
    delete extra.logZInit;
    await train(doc.config, registry, { subscribers: QUIET, resume: doc });
    expect(metricRecords(join(dir, 'split'))).toEqual(metricRecords(join(dir, 'run')));
  }, 120_000);
});

describe('run-wide modes and older checkpoints', () => {
  it('an exact-evaluation checkpoint without the mode tracker (older format) resumes: the evaluator keeps its own draws, training modes count from the resume on', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'run',
      iterations: 40,
      env: { name: 'bitseq', ndim: 6 },
      evaluation: { every: 10, samples: 3 },
      checkpoint: { every: 0 },
      logging: { dir, progress: 'none' },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 20);
    const evaluations = (run: string) => metricRecords(run).filter((r) => r.type === 'evaluation');
    // current format: everything continues exactly
    expect(evaluations(resumed)).toEqual(evaluations(straight));
    const split = join(dir, 'old');
    await train({ ...config, name: 'old' }, registry, {
      subscribers: QUIET,
      beforeRun: (container, bus) => bus.iteration$.subscribe((e) => e.iteration === 20 && container.get(TOKENS.Trainer).stop()),
    });
    const doc = readCheckpoint(split);
    const evaluator = doc.state.extras!.evaluator as Record<string, unknown>;
    expect(evaluator.modeTracker).toBeDefined();
    delete evaluator.modeTracker;
    await train(doc.config, registry, { subscribers: QUIET, resume: doc });
    const a = evaluations(straight);
    const b = evaluations(split);
    expect(b.map((r) => r.evalModesFound)).toEqual(a.map((r) => r.evalModesFound));
    expect(b.map((r) => r.tv)).toEqual(a.map((r) => r.tv));
    // after the resume, only the trajectories sampled since then are counted
    expect(b[3]!.modesFound as number).toBeLessThanOrEqual(a[3]!.modesFound as number);
    expect(b[3]!.modesFound as number).toBeGreaterThan(0);
  }, 120_000);
});
