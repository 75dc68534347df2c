import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../core/di/tokens.js';
import { train } from '../../core/run/run.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { recordRun, registry, smallConfig } from '../training/run-helpers.js';
import { metricRecords, straightAndResumed, tempRunsDir } from './helpers.js';

/** Sampled evaluation at small sizes, every "auto" (the default). */
const SAMPLED = { mode: 'sampled', samples: 16, backwardSamples: 2, maxTestStates: 6, topK: 4 };
const QUIET = ['evaluator', 'jsonl', 'checkpoint'];

describe('evaluation.every "auto"', () => {
  it('under exact evaluation is every 10: the same records, bit for bit, as every 10', async () => {
    const without = (r: Awaited<ReturnType<typeof recordRun>>) => r.evaluations.map(({ durationMs: _d, view: _v, ...rest }) => rest);
    const auto = await recordRun(smallConfig({ iterations: 25, evaluation: {} }));
    const ten = await recordRun(smallConfig({ iterations: 25, evaluation: { every: 10 } }));
    expect(auto.evaluations.map((e) => e.method)).toEqual(['exact', 'exact', 'exact', 'exact']);
    expect(without(auto)).toEqual(without(ten));
    expect(auto.evaluations.map((e) => e.iteration)).toEqual([0, 10, 20, 25]);
  });

  it('under sampled evaluation: spaced by work, and a resumed run continues the same schedule bit for bit', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'run', iterations: 40, evaluation: SAMPLED, checkpoint: { every: 0 }, logging: { dir, progress: 'none' } });
    expect(config.evaluation.every).toBe('auto');
    const { straight, resumed } = await straightAndResumed(config, registry, 20);
    const evaluations = (run: string) => metricRecords(run).filter((r) => r.type === 'evaluation');
    const at = evaluations(straight).map((r) => r.iteration as number);
    // the opening and final evaluations, uneven gaps between (the rows an evaluation sends vary), and
    // evaluations on both sides of the resume, none at it: a resume that forgot the counts would
    // evaluate at once (no training work, no evaluation work counted)
    expect(at[0]).toBe(0);
    expect(at.at(-1)).toBe(40);
    expect(at).not.toEqual([0, 10, 20, 30, 40]);
    expect(at.filter((i) => i > 0 && i < 20).length).toBeGreaterThan(0);
    expect(at.filter((i) => i > 20 && i < 40).length).toBeGreaterThan(0);
    expect(at).not.toContain(20);
    expect(evaluations(resumed)).toEqual(evaluations(straight));
    expect(metricRecords(resumed)).toEqual(metricRecords(straight));
    // the counts travel in the checkpoint, and end the same
    const counts = (run: string) => readCheckpoint(run).state.extras!.evaluationSchedule;
    expect(counts(resumed)).toEqual(counts(straight));
    expect(counts(straight)).toMatchObject({ trainingRows: expect.any(Number), evaluationRows: expect.any(Number), environmentSteps: 0 });
  }, 60_000);

  it('a checkpoint without the counts (a run whose every was an integer, resumed with "auto") resumes: the counts start there', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'old', iterations: 30, evaluation: SAMPLED, checkpoint: { every: 0 }, logging: { dir, progress: 'none' } });
    await train(config, registry, {
      subscribers: QUIET,
      beforeRun: (container, bus) => bus.iteration$.subscribe((e) => e.iteration === 15 && container.get(TOKENS.Trainer).stop()),
    });
    const doc = readCheckpoint(join(dir, 'old'));
    expect(doc.state.extras!.evaluationSchedule).toBeDefined();
    delete doc.state.extras!.evaluationSchedule;
    await train(doc.config, registry, { subscribers: QUIET, resume: doc });
    const at = metricRecords(join(dir, 'old'))
      .filter((r) => r.type === 'evaluation')
      .map((r) => r.iteration as number);
    // nothing counted yet: the first evaluation after the resume is due after its first update
    expect(at.filter((i) => i > 15)[0]).toBe(16);
    expect(at.at(-1)).toBe(30);
  }, 60_000);
});
