import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlFollower } from '../../dashboard/follow.js';
import type { MetricsRecord } from '../../run-folder/records.js';
import { type Dashboard, startDashboard } from '../../dashboard/server.js';
import { tempDir, writeRun } from './helpers.js';

const line = (r: Record<string, unknown>): string => `${JSON.stringify(r)}\n`;
const iteration = (i: number, loss?: number): string =>
  line({ type: 'iteration', iteration: i, trajectories: 8 * i, ...(loss === undefined ? {} : { loss }), sampleMs: 1, updateMs: 1, elapsedMs: 10 * i });
const it0 = iteration(0, 1);
const it1 = iteration(1, 2);
const it2 = iteration(2, 3);
/** The iteration of each record (undefined for other kinds). */
const iterations = (records: readonly MetricsRecord[]): Array<number | undefined> => records.map((r) => (r.type === 'iteration' ? r.iteration : undefined));

describe('JsonlFollower', () => {
  it('returns only complete new lines, skips malformed ones, and starts over when the file is replaced or rewritten', async () => {
    const path = join(tempDir(), 'metrics.jsonl');
    const f = new JsonlFollower(path);
    expect((await f.read()).records).toEqual([]); // no file yet
    writeFileSync(path, it0 + it1.slice(0, 10));
    let chunk = await f.read();
    expect(iterations(chunk.records)).toEqual([0]);
    expect(chunk.offset).toBe(it0.length);
    // the unfinished line waits for its newline
    expect((await f.read()).records).toEqual([]);
    appendFileSync(path, `${it1.slice(10)}not json\n{"no":"type"}\n`);
    chunk = await f.read();
    expect(iterations(chunk.records)).toEqual([1]);
    expect(chunk.skipped).toBe(2);
    expect(chunk.reset).toBe(false);
    // an atomic rewrite (a resume trimming the log) is a new file: read from the start again
    writeFileSync(`${path}.tmp`, it0);
    renameSync(`${path}.tmp`, path);
    chunk = await f.read();
    expect(chunk.reset).toBe(true);
    expect(iterations(chunk.records)).toEqual([0]);
    // rewritten in place past the old offset (a fresh run of the same name): detected by the line break check
    writeFileSync(path, line({ type: 'start', backend: 'tensorflow', kernels: 'backend', iterations: 2, time: '2026-01-01T00:00:00.000Z' }) + it1); // longer than it0
    chunk = await f.read();
    expect(chunk.reset).toBe(true);
    expect(chunk.records.map((r) => r.type)).toEqual(['start', 'iteration']);
  });

  it('reads a long log in chunks, continuing from its offset', async () => {
    const path = join(tempDir(), 'metrics.jsonl');
    const lines = Array.from({ length: 1000 }, (_, i) => iteration(i));
    writeFileSync(path, lines.join(''));
    const f = new JsonlFollower(path, 0, 4096);
    const got: MetricsRecord[] = [];
    let reads = 0;
    for (let more = true; more; reads++) {
      const chunk = await f.read();
      got.push(...chunk.records);
      more = chunk.more;
    }
    expect(iterations(got)).toEqual(lines.map((_, i) => i));
    expect(reads).toBeGreaterThan(lines.join('').length / 4096 - 1);
    // a follower started at an offset reads on from there
    const later = new JsonlFollower(path, lines.slice(0, 990).join('').length);
    expect(iterations((await later.read()).records)).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
  });
});

/** Reads server-sent events from a stream until `until` says stop. */
function readEvents(
  url: string,
  path: string,
  until: (events: Array<{ event: string; data: Record<string, unknown> }>) => boolean,
  onOpen: () => void,
): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const events: Array<{ event: string; data: Record<string, unknown> }> = [];
    const req = request({ host: hostname, port, path }, (res) => {
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      onOpen();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffer += c;
        const parts = buffer.split('\n\n');
        buffer = parts.pop()!;
        for (const part of parts) {
          const event = /^event: (.*)$/m.exec(part)?.[1];
          const data = /^data: (.*)$/m.exec(part)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
        if (until(events)) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
    req.end();
  });
}

describe('GET /api/stream', () => {
  let dashboard: Dashboard;
  let root: string;
  beforeAll(async () => {
    root = tempDir();
    writeRun(join(root, 'a'), {}, it0);
    writeRun(join(root, 'b'), {}, '');
    dashboard = await startDashboard({ root, port: 0 });
  });
  afterAll(async () => dashboard.close());

  it('follows several logs as they grow; a torn last line is held back, garbage is skipped', async () => {
    const records = (events: Array<{ event: string; data: Record<string, unknown> }>, run: string): unknown[] =>
      events.filter((e) => e.event === 'records' && e.data.run === run).flatMap((e) => iterations(e.data.records as MetricsRecord[]));
    const events = await readEvents(
      dashboard.url,
      `/api/stream?run=a&from=0&run=b&from=0`,
      (ev) => records(ev, 'a').length >= 3 && records(ev, 'b').length >= 1,
      () => {
        setTimeout(() => appendFileSync(join(root, 'a', 'metrics.jsonl'), it1 + it2.slice(0, 30)), 300);
        setTimeout(() => appendFileSync(join(root, 'b', 'metrics.jsonl'), `garbage\n${iteration(7)}`), 400);
        setTimeout(() => appendFileSync(join(root, 'a', 'metrics.jsonl'), it2.slice(30)), 900);
      },
    );
    expect(records(events, 'a')).toEqual([0, 1, 2]);
    expect(records(events, 'b')).toEqual([7]);
    expect(events.find((e) => e.data.run === 'b')?.data.skipped).toBe(1);
    expect(events.filter((e) => e.data.run === 'a').map((e) => e.data.skipped)).not.toContain(1);
    // offsets let a reconnecting page continue: 'a' ends after the completed third line
    const lastA = events.filter((e) => e.data.run === 'a').at(-1)!;
    expect(lastA.data.offset).toBe(it0.length + it1.length + it2.length);
    const resumed = await readEvents(
      dashboard.url,
      `/api/stream?run=a&from=${it0.length}`,
      (ev) => records(ev, 'a').length >= 2,
      () => undefined,
    );
    expect(records(resumed, 'a')).toEqual([1, 2]);
  });
});
