import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import { appendRunError } from '../../run-folder/metrics-writer.js';
import { metricsPath } from '../../run-folder/paths.js';
import { hasEnded, LIVE_WITHIN_MS, lastSignOfLife, runState } from '../../run-folder/run-state.js';
import type { MetricsRecord } from '../../run-folder/records.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-run-state-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const start = '{"type":"start","backend":"wasm","iterations":3,"time":"2026-01-01T00:00:00.000Z"}\n';
const iteration = (i: number): string =>
  `{"type":"iteration","iteration":${i},"trajectories":${8 * i},"loss":1,"sampleMs":1,"updateMs":1,"elapsedMs":${10 * i}}\n`;
const finished = '{"type":"finished","iterations":3,"elapsedMs":30}\n';
const error = '{"type":"error","message":"objective \'tb\' produced loss = NaN at iteration 2"}\n';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const heartbeat = (msAfterStart: number): string => `${JSON.stringify({ type: 'heartbeat', time: new Date(T0 + msAfterStart).toISOString() })}\n`;
/** Now, a second after the start record's time: its writer is alive. */
const justAfterStart = { now: T0 + 1000 };

/** The state of a run folder whose metrics log holds `text` (undefined: no log). */
function stateOf(text: string | undefined, folder: { now?: number; checkpoint?: boolean } = {}): ReturnType<typeof runState> {
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
    expect(stateOf(start + finished, { ...justAfterStart, checkpoint: true })).toBe('finished');
  });

  it('a log that has not ended: running while its last sign of life is recent, resumable with a checkpoint, interrupted otherwise', () => {
    const inProgress = start + iteration(1) + iteration(2);
    expect(stateOf(inProgress, justAfterStart)).toBe('running');
    expect(stateOf(inProgress, { checkpoint: true })).toBe('resumable');
    expect(stateOf(inProgress)).toBe('interrupted');
    expect(stateOf('')).toBe('interrupted');
    expect(stateOf('', justAfterStart)).toBe('interrupted');
    // a run in progress whose next line is half written is still running
    expect(stateOf(inProgress + iteration(3).slice(0, 20), justAfterStart)).toBe('running');
  });

  it('running is decided by the time of the last heartbeat (or start, or resume) against now, never by the file', () => {
    const beating = start + iteration(1) + heartbeat(60_000) + iteration(2);
    expect(stateOf(beating, { now: T0 + 60_000 + LIVE_WITHIN_MS - 1 })).toBe('running');
    expect(stateOf(beating, { now: T0 + 60_000 + LIVE_WITHIN_MS })).toBe('interrupted');
    expect(stateOf(beating, { now: T0 + 60_000 + LIVE_WITHIN_MS, checkpoint: true })).toBe('resumable');
    // the log was written a moment ago, but its writer's last heartbeat is a day old
    expect(stateOf(beating, { now: Date.now() })).toBe('interrupted');
    const resumed = '{"type":"resume","backend":"wasm","iterations":3,"startIteration":1,"time":"2026-01-01T01:00:00.000Z"}\n';
    expect(stateOf(beating + resumed, { now: T0 + 3_600_000 + 1000 })).toBe('running');
  });

  it('lastSignOfLife: the latest time of a heartbeat, start or resume record', () => {
    const records: MetricsRecord[] = [
      { type: 'start', backend: 'wasm', iterations: 3, time: '2026-01-01T00:00:00.000Z' },
      { type: 'heartbeat', time: '2026-01-01T00:00:05.000Z' },
      { type: 'iteration', iteration: 1, trajectories: 8, sampleMs: 1, updateMs: 1, elapsedMs: 10 },
    ];
    expect(lastSignOfLife(records)).toBe(T0 + 5000);
    expect(lastSignOfLife(records.slice(2))).toBeUndefined();
    expect(lastSignOfLife([...records, { type: 'heartbeat', time: 'not a time' }])).toBe(T0 + 5000);
  });

  it('a run that recorded its interruption (stopped) is resumable with a checkpoint, never running, and has not ended', () => {
    const stopped = '{"type":"stopped","iterations":2,"reason":"SIGTERM","elapsedMs":20}\n';
    const log = start + iteration(1) + iteration(2) + stopped;
    // however recent its last sign of life
    expect(stateOf(log, { ...justAfterStart, checkpoint: true })).toBe('resumable');
    expect(stateOf(log, justAfterStart)).toBe('interrupted');
    expect(hasEnded('resumable')).toBe(false);
    // resumed after the stop, it runs again
    const resumed = `${log}{"type":"resume","backend":"wasm","iterations":3,"startIteration":2,"time":"2026-01-01T00:00:00.500Z"}\n`;
    expect(stateOf(resumed, justAfterStart)).toBe('running');
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
