import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { TAIL_READ_BYTES } from '../../dashboard/run-summary.js';
import { parseMetricsText } from '../../run-folder/metrics-reader.js';
import { metricsPath } from '../../run-folder/paths.js';
import type { MetricsRecord } from '../../run-folder/records.js';
import { HEARTBEAT_BYTES, HEARTBEAT_INTERVAL_MS, LIVE_WITHIN_MS, runState } from '../../run-folder/run-state.js';
import { attachJsonl } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-heartbeat-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

/** The JSONL logger of a run named `name`; its records as written so far. */
function attach(name: string): ReturnType<typeof attachJsonl> & { records: () => MetricsRecord[] } {
  const attached = attachJsonl(tmp, name);
  return { ...attached, records: () => parseMetricsText(readFileSync(metricsPath(attached.dir), 'utf8')).records };
}

const started = { runName: 'x', backend: 'wasm', kernels: 'backend', iterations: 1_000_000, config: {} };
const iteration = (n: number) => ({ iteration: n, metrics: { loss: 1 / n }, timings: { sampleMs: 1, updateMs: 1 }, trajectoriesSeen: 16 * n, elapsedMs: n });
const beats = (records: MetricsRecord[]): number[] => records.flatMap((r) => (r.type === 'heartbeat' ? [Date.parse(r.time)] : []));

describe('heartbeats of a live run', () => {
  it(`one every ${HEARTBEAT_INTERVAL_MS / 1000} s while the run lives, none after its last record; its state follows them`, () => {
    vi.useFakeTimers({ now: T0 });
    const { bus, records } = attach('timed');
    bus.runStarted$.next(started);
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS - 1);
    expect(beats(records())).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(beats(records())).toEqual([T0 + HEARTBEAT_INTERVAL_MS]);
    bus.iteration$.next(iteration(1));
    vi.advanceTimersByTime(2 * HEARTBEAT_INTERVAL_MS);
    expect(beats(records())).toEqual([1, 2, 3].map((k) => T0 + k * HEARTBEAT_INTERVAL_MS));
    const log = { records: records(), torn: false };
    expect(runState({ log, now: Date.now() })).toBe('running');
    expect(runState({ log, now: Date.now() + LIVE_WITHIN_MS })).toBe('interrupted');

    bus.runFinished$.next({ iterations: 1, elapsedMs: 15_000 });
    vi.advanceTimersByTime(10 * HEARTBEAT_INTERVAL_MS);
    expect(records().at(-1)!.type).toBe('finished');
    expect(beats(records())).toHaveLength(3);
  });

  it('an error ends the beats too, and so does detaching the logger', () => {
    vi.useFakeTimers({ now: T0 });
    const failing = attach('failing');
    failing.bus.runStarted$.next(started);
    failing.bus.error$.next(new Error('boom'));
    const detached = attach('detached');
    detached.bus.runStarted$.next(started);
    detached.subscription.unsubscribe();
    vi.advanceTimersByTime(10 * HEARTBEAT_INTERVAL_MS);
    expect(failing.records().map((r) => r.type)).toEqual(['start', 'error']);
    expect(detached.records().map((r) => r.type)).toEqual(['start']);
  });

  it(`a run that writes fast beats after every ${HEARTBEAT_BYTES / 1024} KB as well: any tail of the log that long plus two lines holds its last sign of life`, () => {
    vi.useFakeTimers({ now: T0 });
    const { bus, records } = attach('fast');
    bus.runStarted$.next(started);
    for (let n = 1; n <= 2000; n++) bus.iteration$.next(iteration(n));
    const text = readFileSync(metricsPath(join(tmp, 'fast')), 'utf8');
    expect(text.length).toBeGreaterThan(10 * HEARTBEAT_BYTES);
    // the byte offset of every sign of life (start, heartbeat), and of the end of the log
    const lines = text.split('\n');
    const offsets: number[] = [];
    let at = 0;
    for (const line of lines) {
      if (/"type":"(start|heartbeat)"/.test(line)) offsets.push(at);
      at += Buffer.byteLength(line) + 1;
    }
    const longest = Math.max(...lines.map((l) => Buffer.byteLength(l) + 1));
    const gaps = [...offsets, Buffer.byteLength(text)].slice(1).map((o, k) => o - offsets[k]!);
    // from one sign of life to the next: the sign's own line, then under HEARTBEAT_BYTES of records and the line that reached it
    expect(Math.max(...gaps)).toBeLessThanOrEqual(HEARTBEAT_BYTES + 2 * longest);
    // the dashboard's tail is long enough, whatever the speed of the run
    expect(TAIL_READ_BYTES).toBeGreaterThanOrEqual(HEARTBEAT_BYTES + 2 * longest);
    expect(beats(records()).length).toBeGreaterThanOrEqual(Math.floor(Buffer.byteLength(text) / (HEARTBEAT_BYTES + longest)));
    bus.runFinished$.next({ iterations: 2000, elapsedMs: 1 });
  });
});
