import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import { appendRunError } from '../../run-folder/metrics-writer.js';
import { metricsPath } from '../../run-folder/paths.js';
import { hasEnded, runState } from '../../run-folder/run-state.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-run-state-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const start = '{"type":"start","backend":"wasm","iterations":3,"time":"2026-01-01T00:00:00.000Z"}\n';
const iteration = (i: number): string =>
  `{"type":"iteration","iteration":${i},"trajectories":${8 * i},"loss":1,"sampleMs":1,"updateMs":1,"elapsedMs":${10 * i}}\n`;
const finished = '{"type":"finished","iterations":3,"elapsedMs":30}\n';
const error = '{"type":"error","message":"objective \'tb\' produced loss = NaN at iteration 2"}\n';

/** The state of a run folder whose metrics log holds `text` (undefined: no log). */
function stateOf(text: string | undefined, folder: { active?: boolean; checkpoint?: boolean } = {}): ReturnType<typeof runState> {
  const dir = mkdtempSync(join(tmp, 'run-'));
  if (text !== undefined) writeFileSync(metricsPath(dir), text);
  return runState({ log: readMetricsLog(dir), ...folder });
}

describe('runState', () => {
  it('missing without a log; finished / failed when the last record says so', () => {
    expect(stateOf(undefined)).toBe('missing');
    expect(stateOf(start + iteration(1) + iteration(2) + iteration(3) + finished)).toBe('finished');
    expect(stateOf(start + iteration(1) + error)).toBe('failed');
    // an ended log is ended whatever else is known about the folder
    expect(stateOf(start + finished, { active: true, checkpoint: true })).toBe('finished');
  });

  it('a log that has not ended: running while written, resumable with a checkpoint, interrupted otherwise', () => {
    const inProgress = start + iteration(1) + iteration(2);
    expect(stateOf(inProgress, { active: true })).toBe('running');
    expect(stateOf(inProgress, { checkpoint: true })).toBe('resumable');
    expect(stateOf(inProgress)).toBe('interrupted');
    expect(stateOf('')).toBe('interrupted');
    // a run in progress whose next line is half written is still running
    expect(stateOf(inProgress + iteration(3).slice(0, 20), { active: true })).toBe('running');
  });

  it('a run that recorded its interruption (stopped) is resumable with a checkpoint, never running, and has not ended', () => {
    const stopped = '{"type":"stopped","iterations":2,"reason":"SIGTERM","elapsedMs":20}\n';
    const log = start + iteration(1) + iteration(2) + stopped;
    expect(stateOf(log, { active: true, checkpoint: true })).toBe('resumable');
    expect(stateOf(log, { active: true })).toBe('interrupted');
    expect(hasEnded('resumable')).toBe(false);
    // resumed after the stop, it runs again
    expect(stateOf(`${log}{"type":"resume","backend":"wasm","iterations":3,"startIteration":2,"time":"t"}\n`, { active: true })).toBe('running');
  });

  it('a last line truncated by a crash is not an ending, even after a finished or error record', () => {
    expect(stateOf(start + iteration(1) + iteration(2).slice(0, 25))).toBe('interrupted');
    expect(stateOf(`${start}${finished}{"type":"fini`, { checkpoint: true })).toBe('resumable');
    expect(stateOf(`${start}${error}garbage\n`)).toBe('interrupted');
  });

  it('a crash recorded for the run (appendRunError) makes it failed, on a line of its own after a torn one', () => {
    const dir = mkdtempSync(join(tmp, 'run-'));
    writeFileSync(metricsPath(dir), start + iteration(1).slice(0, 30));
    appendRunError(dir, 'worker exited with signal SIGKILL');
    const log = readMetricsLog(dir)!;
    expect(runState({ log })).toBe('failed');
    expect(log.records.at(-1)).toEqual({ type: 'error', message: 'worker exited with signal SIGKILL' });
    expect(
      readFileSync(metricsPath(dir), 'utf8').endsWith(`${iteration(1).slice(0, 30)}\n{"type":"error","message":"worker exited with signal SIGKILL"}\n`),
    ).toBe(true);
    // a folder that does not exist yet gets its log
    const fresh = join(tmp, 'never-started');
    appendRunError(fresh, 'cannot reach the worker');
    expect(runState({ log: readMetricsLog(fresh) })).toBe('failed');
    appendFileSync(metricsPath(fresh), iteration(1));
    expect(runState({ log: readMetricsLog(fresh) })).toBe('interrupted');
  });

  it('hasEnded: finished and failed runs only', () => {
    expect((['missing', 'running', 'finished', 'failed', 'resumable', 'interrupted'] as const).filter(hasEnded)).toEqual(['finished', 'failed']);
  });
});
