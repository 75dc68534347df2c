import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../../core/di/tokens.js';
import { ActorStatsCounter } from '../../../core/sampling/actor-stats.js';
import { train } from '../../../core/run/run.js';
import type { CheckpointDocument } from '../../../core/training/run-state.js';
import { actorsPart } from '../../../plugins/node/progress.js';
import { readCheckpoint } from '../../../run-folder/checkpoint-file.js';
import { metricRecords, tempRunsDir } from '../../checkpoint/helpers.js';
import { smallConfig } from '../run-helpers.js';
import { inThread } from './actor-run.js';

const QUIET = ['jsonl', 'checkpoint'];

describe('actors: metrics.jsonl, the progress line and checkpoints', () => {
  it('each iteration record carries the actors’ rates, staleness and drops; two resumes from one checkpoint continue identically, the counts included', async () => {
    const dir = tempRunsDir();
    const config = smallConfig(
      { name: 'legs', iterations: 12, actors: 2, actorSchedule: 'async', maxLag: 1, evaluation: { every: 0 }, logging: { dir, progress: 'none' } },
      inThread,
    );
    await train(config, inThread, {
      subscribers: QUIET,
      beforeRun: (container, bus) => bus.iteration$.subscribe((e) => e.iteration === 6 && container.get(TOKENS.Trainer).stop()),
    });
    const checkpoint = readCheckpoint(join(dir, 'legs'));
    expect(checkpoint.iterations).toBe(6);
    const saved = checkpoint.state.trainer!.actors as { streams: number[][]; staleness: number[]; droppedBatches: number };
    expect(saved.streams.map((s) => s.length)).toEqual([4, 4]);
    expect(saved.staleness.reduce((a, b) => a + b, 0)).toBe(6);

    const resume = async (name: string, doc: CheckpointDocument): Promise<Array<Record<string, unknown>>> => {
      await train({ ...doc.config, name }, inThread, { subscribers: QUIET, resume: doc });
      return metricRecords(join(dir, name)).filter((r) => r.type === 'iteration' && (r.iteration as number) > 6);
    };
    const a = await resume('a', checkpoint);
    const b = await resume('b', checkpoint);
    expect(a).toHaveLength(6);
    expect(b).toEqual(a);
    const last = a.at(-1)!.actors as { staleness: number[]; droppedBatches: number; acceptedTrajectories: number };
    // the counts go on from the checkpoint's
    expect(last.staleness.reduce((x, y) => x + y, 0)).toBe(12);
    expect(last.droppedBatches).toBeGreaterThanOrEqual(saved.droppedBatches);
    expect(last.acceptedTrajectories).toBe(12 * 16);
    // the rates are in the file (metricRecords drops them as timings)
    const record = readFileSync(join(dir, 'a', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; actors?: { trajectoriesPerSecond: number[] } })
      .filter((r) => r.type === 'iteration')
      .at(-1)!;
    expect(record.actors!.trajectoriesPerSecond).toHaveLength(2);
    expect(record.actors!.trajectoriesPerSecond.every((r) => r > 0)).toBe(true);
  });

  it('the rates run from the first batch received (the threads’ start-up excluded), without it', () => {
    let t = 0;
    const counter = new ActorStatsCounter(2, () => t);
    t = 5000;
    counter.accept(0, 16, 0);
    expect(counter.snapshot().trajectoriesPerSecond).toEqual([0, 0]);
    t = 7000;
    counter.accept(1, 16, 1);
    counter.drop(0, 16);
    expect(counter.snapshot()).toEqual({
      trajectoriesPerSecond: [8, 8],
      staleness: [1, 1],
      droppedBatches: 1,
      droppedTrajectories: 16,
      acceptedTrajectories: 32,
    });
  });

  it('the progress line: the actors’ total rate, the largest staleness trained on and the batches dropped', () => {
    expect(actorsPart(undefined)).toBe('');
    expect(
      actorsPart({ trajectoriesPerSecond: [300.2, 311.9], staleness: [0, 4, 7], droppedBatches: 3, droppedTrajectories: 48, acceptedTrajectories: 176 }),
    ).toBe(' | actors 2: 612 traj/s, lag ≤ 2, 3 dropped');
  });
});
