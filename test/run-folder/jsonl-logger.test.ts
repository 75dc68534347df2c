import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import { configPath, metricsPath } from '../../run-folder/paths.js';
import { runState } from '../../run-folder/run-state.js';
import { attachJsonl } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-jsonl-'));
afterAll(() => {
  vi.useRealTimers();
  rmSync(tmp, { recursive: true, force: true });
});

const attach = (name: string) => attachJsonl(tmp, name);

const started = { runName: 'x', backend: 'wasm', kernels: 'backend', iterations: 2, config: {} };

describe('JSONL logger', () => {
  it('writes the bus events as the lines earlier versions wrote, byte for byte, and the config beside them', () => {
    vi.useFakeTimers({ now: new Date('2026-01-02T03:04:05.000Z'), toFake: ['Date'] });
    const { bus, config, dir } = attach('bytes');
    bus.runStarted$.next(started);
    bus.evaluation$.next({ iteration: 0, method: 'exact', metrics: { tv: 0.75, jsd: 0.5 }, durationMs: 1.23456 });
    bus.iteration$.next({
      iteration: 1,
      metrics: { loss: 2.5, logZ: 0.1 },
      timings: { sampleMs: 1.00049, updateMs: 2 },
      trajectoriesSeen: 16,
      elapsedMs: 3.5,
      evaluationMs: 1.5,
    });
    bus.iteration$.next({
      iteration: 2,
      metrics: { loss: Number.NaN },
      timings: { sampleMs: 1, updateMs: 2 },
      trajectoriesSeen: 32,
      environmentSteps: 96,
      elapsedMs: 7,
    });
    bus.evaluation$.next({ iteration: 2, method: 'sampled', metrics: { testSpearman: 0.5 } });
    bus.runFinished$.next({ iterations: 2, elapsedMs: 8.25, evaluationMs: 1.5 });
    bus.error$.next(new Error('late failure'));
    vi.useRealTimers();
    expect(readFileSync(metricsPath(dir), 'utf8')).toBe(
      [
        '{"type":"start","backend":"wasm","kernels":"backend","iterations":2,"time":"2026-01-02T03:04:05.000Z"}',
        '{"type":"evaluation","iteration":0,"method":"exact","tv":0.75,"jsd":0.5,"durationMs":1.235}',
        '{"type":"iteration","iteration":1,"trajectories":16,"loss":2.5,"logZ":0.1,"sampleMs":1,"updateMs":2,"elapsedMs":3.5,"evaluationMs":1.5}',
        '{"type":"iteration","iteration":2,"trajectories":32,"environmentSteps":96,"loss":null,"sampleMs":1,"updateMs":2,"elapsedMs":7,"evaluationMs":0}',
        '{"type":"evaluation","iteration":2,"method":"sampled","testSpearman":0.5}',
        '{"type":"finished","iterations":2,"elapsedMs":8.25,"evaluationMs":1.5,"trainingMs":6.75}',
        '{"type":"error","message":"late failure"}',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(readFileSync(configPath(dir), 'utf8'))).toEqual(JSON.parse(JSON.stringify(config)));
    // and the reader reads every line back as a record
    const log = readMetricsLog(dir)!;
    expect(log.records.map((r) => r.type)).toEqual(['start', 'evaluation', 'iteration', 'iteration', 'evaluation', 'finished', 'error']);
    expect(log.skipped).toBe(0);
  });

  it('a resumed run keeps the lines up to its checkpoint and appends a resume record', () => {
    const first = attach('resumed');
    first.bus.runStarted$.next({ ...started, iterations: 4 });
    for (const i of [1, 2, 3])
      first.bus.iteration$.next({ iteration: i, metrics: { loss: i }, timings: { sampleMs: 1, updateMs: 1 }, trajectoriesSeen: 8 * i, elapsedMs: 10 * i });
    expect(runState({ log: readMetricsLog(first.dir) })).toBe('interrupted');
    // the first process is gone
    first.subscription.unsubscribe();
    const second = attach('resumed');
    second.bus.runStarted$.next({ ...started, iterations: 4, startIteration: 2 });
    second.bus.iteration$.next({ iteration: 3, metrics: { loss: 3 }, timings: { sampleMs: 1, updateMs: 1 }, trajectoriesSeen: 24, elapsedMs: 5 });
    second.bus.runFinished$.next({ iterations: 4, elapsedMs: 20 });
    const log = readMetricsLog(second.dir)!;
    expect(log.records.map((r) => (r.type === 'iteration' ? r.iteration : r.type))).toEqual(['start', 1, 2, 'resume', 3, 'finished']);
    expect(log.records[3]).toMatchObject({ type: 'resume', startIteration: 2, iterations: 4 });
    expect(runState({ log })).toBe('finished');
  });
});
