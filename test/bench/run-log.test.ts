import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunLog, trainingSecondsAt } from '../../harness/run-log.js';
import { metricsPath } from '../../run-folder/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-run-log-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lines = (records: unknown[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');
// iteration n = after n updates (counted from 1)
const iteration = (i: number, elapsedMs: number): object => ({
  type: 'iteration',
  iteration: i,
  trajectories: 8 * i,
  loss: 1,
  sampleMs: 1,
  updateMs: 1,
  elapsedMs,
});
const evaluation = (i: number, tv: number): object => ({ type: 'evaluation', iteration: i, method: 'exact', tv });

describe('run log of a resumed run', () => {
  it('counts the time after a resume from where the run stood at its checkpoint, also for a wall-time budget', () => {
    // trained 4 iterations in 400 ms, checkpoint after iteration 2, killed, resumed: the clock restarts at 0
    writeFileSync(
      metricsPath(tmp),
      lines([
        { type: 'start', backend: 'wasm', iterations: 4, time: '2026-01-01T00:00:00.000Z' },
        evaluation(1, 0.9),
        iteration(1, 100),
        iteration(2, 200),
        { type: 'resume', backend: 'wasm', iterations: 4, startIteration: 2, time: '2026-01-01T00:01:00.000Z' },
        evaluation(3, 0.5),
        iteration(3, 150),
        iteration(4, 260),
        { type: 'finished', iterations: 4, elapsedMs: 270 },
      ]),
    );
    const log = readRunLog(tmp);
    expect(log.state).toBe('finished');
    expect(log.points.map((p) => p.elapsedSeconds)).toEqual([0.1, 0.35]);
    expect(log.finished).toEqual({ iterations: 4, elapsedSeconds: 0.47 });
    // what a worker taking the run over from a checkpoint after 2 or 4 iterations has already spent
    expect([trainingSecondsAt(tmp, 2), trainingSecondsAt(tmp, 4), trainingSecondsAt(tmp, 5)]).toEqual([0.2, 0.46, undefined]);
  });
});
