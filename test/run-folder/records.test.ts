import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMetricsText, readMetricsLog } from '../../run-folder/metrics-reader.js';
import { MetricsWriter } from '../../run-folder/metrics-writer.js';
import { metricsPath } from '../../run-folder/paths.js';
import { asMetricsRecord, type MetricsRecord, recordMetrics } from '../../run-folder/records.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-records-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let runs = 0;
const runDir = (): string => {
  const dir = join(tmp, `run-${runs++}`);
  mkdirSync(dir);
  return dir;
};

// one record of every kind, with the optional fields and flat metrics a run writes today
const records: MetricsRecord[] = [
  { type: 'start', backend: 'wasm', kernels: 'backend', iterations: 20, time: '2026-01-01T00:00:00.000Z' },
  { type: 'evaluation', iteration: 0, method: 'exact', tv: 0.9, jsd: 0.4, durationMs: 12.5 },
  { type: 'evaluation', iteration: 10, method: 'exact', tv: 0.5, jsd: 0.2 },
  {
    type: 'iteration',
    iteration: 10,
    trajectories: 160,
    environmentSteps: 480,
    loss: 2.5,
    logZ: 1.25,
    sampleMs: 1.5,
    updateMs: 2,
    elapsedMs: 300,
    evaluationMs: 12.5,
  },
  { type: 'heartbeat', time: '2026-01-01T00:00:05.000Z' },
  { type: 'resume', backend: 'tensorflow', kernels: 'onnx', iterations: 20, startIteration: 10, time: '2026-01-01T00:01:00.000Z' },
  { type: 'iteration', iteration: 11, trajectories: 176, loss: null, sampleMs: 1, updateMs: 2, elapsedMs: 30, evaluationMs: 0 },
  { type: 'stopped', iterations: 15, reason: 'SIGTERM', elapsedMs: 450, evaluationMs: 20, trainingMs: 430 },
  { type: 'finished', iterations: 20, elapsedMs: 600, evaluationMs: 25, trainingMs: 575 },
  { type: 'error', message: 'boom' },
  { type: 'error', message: 'step failed', where: "environment 'grid'", iteration: 7 },
];

describe('metrics.jsonl records', () => {
  it('round trip: what the writer appends, the reader gives back as the same typed records', () => {
    const dir = runDir();
    const writer = new MetricsWriter(dir);
    writer.clear();
    for (const r of records) writer.append(r);
    const log = readMetricsLog(dir)!;
    expect(log.records).toEqual(records);
    expect(log.skipped).toBe(0);
    expect(log.torn).toBe(false);
  });

  it('writes one JSON object per line, fields in the order given: the on-disk format of earlier versions', () => {
    const dir = runDir();
    const writer = new MetricsWriter(dir);
    writer.clear();
    writer.append({ type: 'iteration', iteration: 3, trajectories: 48, loss: 1.5, sampleMs: 1, updateMs: 2, elapsedMs: 30, evaluationMs: 0 });
    writer.append({ type: 'error', message: 'a "quoted" message' });
    expect(readFileSync(metricsPath(dir), 'utf8')).toBe(
      '{"type":"iteration","iteration":3,"trajectories":48,"loss":1.5,"sampleMs":1,"updateMs":2,"elapsedMs":30,"evaluationMs":0}\n{"type":"error","message":"a \\"quoted\\" message"}\n',
    );
  });

  it('reads logs of the first versions (no kernels, evaluationMs, durationMs or trainingMs)', () => {
    const old = [
      '{"type":"start","backend":"wasm","iterations":2,"time":"2025-11-28T10:00:00.000Z"}',
      '{"type":"evaluation","iteration":1,"method":"exact","tv":0.7}',
      '{"type":"iteration","iteration":1,"trajectories":16,"loss":3,"sampleMs":1.2,"updateMs":4.5,"elapsedMs":10}',
      '{"type":"finished","iterations":2,"elapsedMs":21}',
      '',
    ].join('\n');
    const log = parseMetricsText(old);
    expect(log.records.map((r) => r.type)).toEqual(['start', 'evaluation', 'iteration', 'finished']);
    expect(log.skipped).toBe(0);
    const evaluation = log.records[1]!;
    expect(evaluation.type === 'evaluation' && recordMetrics(evaluation)).toEqual({ tv: 0.7 });
  });

  it('skips lines that hold no record, without throwing: garbage, unknown kinds, missing or mistyped fields', () => {
    expect(asMetricsRecord({ type: 'iteration', iteration: 1, trajectories: 8, sampleMs: 1, updateMs: 1, elapsedMs: 5 })).toBeDefined();
    for (const bad of [
      null,
      [],
      'iteration',
      { no: 'type' },
      { type: 'note', text: 'hi' },
      { type: 'iteration', iteration: 1 },
      { type: 'error', message: 3 },
      { type: 'error', message: 'x', iteration: '7' },
      { type: 'stopped', iterations: 3, elapsedMs: 5 },
      { type: 'heartbeat' },
      { type: 'heartbeat', time: 5 },
      { type: 'start', backend: 'wasm', iterations: 2, time: 't', kernels: 1 },
    ]) {
      expect(asMetricsRecord(bad), JSON.stringify(bad)).toBeUndefined();
    }
    const log = parseMetricsText('not json\n{"type":"note"}\n{"type":"error","message":"x"}\n\n');
    expect(log).toEqual({ records: [{ type: 'error', message: 'x' }], skipped: 2, torn: false });
  });

  it('the numbers a record reports beside its fixed fields', () => {
    const [, evaluation, , iteration] = records;
    expect(evaluation!.type === 'evaluation' && recordMetrics(evaluation!)).toEqual({ tv: 0.9, jsd: 0.4 });
    expect(iteration!.type === 'iteration' && recordMetrics(iteration!)).toEqual({ loss: 2.5, logZ: 1.25 });
  });

  it('a resume keeps the records up to its checkpoint, byte for byte, and drops later ones and torn lines', () => {
    const dir = runDir();
    const lines = [
      '{"type":"start","backend":"wasm","iterations":4,"time":"t0"}',
      '{"type":"iteration","iteration":1,"trajectories":8,"loss":1.25,"sampleMs":1,"updateMs":1,"elapsedMs":10}',
      '{"type":"evaluation","iteration":2,"method":"exact","tv":0.5}',
      '{"type":"iteration","iteration":2,"trajectories":16,"loss":1,"sampleMs":1,"updateMs":1,"elapsedMs":20}',
      '{"type":"iteration","iteration":3,"trajectories":24,"loss":1,"sampleMs":1,"updateMs":1,"elapsedMs":30}',
    ];
    writeFileSync(metricsPath(dir), `${lines.join('\n')}\n{"type":"iteration","itera`);
    new MetricsWriter(dir).keepUpTo(2);
    expect(readFileSync(metricsPath(dir), 'utf8')).toBe(`${lines.slice(0, 4).join('\n')}\n`);
    // a log that is not there stays absent
    new MetricsWriter(join(tmp, 'nowhere')).keepUpTo(2);
    expect(readMetricsLog(join(tmp, 'nowhere'))).toBeUndefined();
  });

  it('a last line cut short by a kill is torn: skipped and flagged', () => {
    const dir = runDir();
    appendFileSync(metricsPath(dir), '{"type":"start","backend":"wasm","iterations":4,"time":"t0"}\n{"type":"iteration","iteration":1,"tra');
    expect(readMetricsLog(dir)).toMatchObject({ skipped: 1, torn: true });
    expect(readMetricsLog(dir)!.records.map((r) => r.type)).toEqual(['start']);
  });
});
