import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckpointEvent } from '../../core/events/bus.js';
import { train } from '../../core/run/run.js';
import { tempRunsDir } from '../checkpoint/helpers.js';
import { registry, smallConfig } from './run-helpers.js';

/**
 * One iteration numbering everywhere: iteration n is the state after n updates (the first update
 * makes iteration 1); the evaluation before any update (evaluation.atStart) is iteration 0.
 */
describe('iteration numbering', () => {
  afterEach(() => vi.restoreAllMocks());

  it('progress lines, metrics.jsonl, checkpoints and the run summary agree; the run is evaluated before the first update', async () => {
    const dir = tempRunsDir();
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    const checkpoints: CheckpointEvent[] = [];
    const config = smallConfig({
      name: 'numbers',
      iterations: 6,
      evaluation: { every: 3 },
      checkpoint: { every: 2 },
      logging: { dir, every: 3, progress: 'lines' },
    });
    const { finished } = await train(config, registry, { beforeRun: (_c, bus) => bus.checkpoint$.subscribe((e) => checkpoints.push(e)) });
    const records = readFileSync(join(dir, 'numbers', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; iteration?: number; iterations?: number });
    expect(records.filter((r) => r.type === 'iteration').map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(records.filter((r) => r.type === 'evaluation').map((r) => r.iteration)).toEqual([0, 3, 6]);
    // the evaluation at 0 comes right after the start line, before any iteration
    expect(records.slice(0, 2).map((r) => r.type)).toEqual(['start', 'evaluation']);
    expect(records.at(-1)).toMatchObject({ type: 'finished', iterations: 6 });
    expect(checkpoints.map((c) => c.iteration)).toEqual([2, 4, 6]);
    expect(finished.iterations).toBe(6);
    expect(finished.lastEvaluation?.iteration).toBe(6);
    const progress = stderr
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('[gfn] iter'));
    expect(progress.map((l) => /^\[gfn\] iter (\d+)\/6/.exec(l)?.[1])).toEqual(['0', '3', '6']);
    expect(progress[0]).toMatch(/^\[gfn\] iter 0\/6 \| before the first update \| TV 0\.\d+$/);
  });

  it('evaluation.atStart = false: the first evaluation is after `every` updates', async () => {
    const evaluations: number[] = [];
    await train(smallConfig({ iterations: 4, evaluation: { every: 2, atStart: false } }), registry, {
      subscribers: ['evaluator'],
      beforeRun: (_c, bus) => bus.evaluation$.subscribe((e) => evaluations.push(e.iteration)),
    });
    expect(evaluations).toEqual([2, 4]);
  });

  it('objectives see the number of the update they make, from 1', async () => {
    const seen: number[] = [];
    await train(smallConfig({ iterations: 3, evaluation: { every: 0 } }), registry, {
      subscribers: [],
      beforeRun: (_c, bus) => bus.trajectories$.subscribe((e) => seen.push(e.iteration)),
    });
    expect(seen).toEqual([1, 2, 3]);
  });
});
