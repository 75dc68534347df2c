import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../core/di/tokens.js';
import { train } from '../../core/run/run.js';
import type { CheckpointDocument } from '../../core/training/run-state.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { registry, smallConfig } from '../training/run-helpers.js';
import { metricRecords, tempRunsDir } from './helpers.js';

const QUIET = ['evaluator', 'jsonl', 'checkpoint'];

/**
 * Resume with `pipeline: true`: the checkpoint holds the sampling thread's random stream after the
 * last batch the learner took; the resumed run draws its first batch from there with the
 * checkpoint's parameters (one update fresher than the uninterrupted run used), so it is
 * deterministic but not the uninterrupted run.
 */
describe('resume a pipelined run', () => {
  it('two resumes from one checkpoint continue identically; the saved sampling stream is what they continue from', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'legs',
      iterations: 30,
      pipeline: true,
      objective: { name: 'rl', backward: 'uniform', value: { hidden: [16] } },
      checkpoint: { every: 10 },
      logging: { dir, progress: 'none' },
    });
    await train(config, registry, {
      subscribers: QUIET,
      beforeRun: (container, bus) => bus.iteration$.subscribe((e) => e.iteration === 15 && container.get(TOKENS.Trainer).stop()),
    });
    const checkpoint = readCheckpoint(join(dir, 'legs'));
    expect(checkpoint.iterations).toBe(15);
    const saved = (checkpoint.state.trainer!.pipeline as { rng: number[] }).rng;
    expect(saved).toHaveLength(4);

    const resume = async (name: string, doc: CheckpointDocument): Promise<Array<Record<string, unknown>>> => {
      await train({ ...doc.config, name }, registry, { subscribers: QUIET, resume: doc });
      return metricRecords(join(dir, name)).filter((r) => (r.iteration as number) > 15);
    };
    const a = await resume('a', checkpoint);
    const b = await resume('b', checkpoint);
    expect(a.filter((r) => r.type === 'iteration')).toHaveLength(15);
    expect(b).toEqual(a);
    // the same checkpoint with the sampling stream moved elsewhere continues differently
    const moved = structuredClone(checkpoint);
    (moved.state.trainer!.pipeline as { rng: number[] }).rng = [1, 2, 3, 4];
    const c = await resume('c', moved);
    expect(c.filter((r) => r.type === 'iteration')).not.toEqual(a.filter((r) => r.type === 'iteration'));
  });
});
