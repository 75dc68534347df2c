import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BoundedReader, fileReader } from '../../dashboard/bounded-read.js';
import { CONFIG_READ_BYTES, TAIL_READ_BYTES, WIDE_TAIL_READ_BYTES } from '../../dashboard/run-summary.js';
import { scanRoot } from '../../dashboard/scan.js';
import { type Dashboard, startDashboard } from '../../dashboard/server.js';
import { rawGet, runLines, tempDir, writeRun } from './helpers.js';

/** A reader that counts the bytes it returns, per file. */
function countingReader(): { reader: BoundedReader; bytes: Map<string, number> } {
  const bytes = new Map<string, number>();
  const add = (path: string, n: number): void => void bytes.set(path, (bytes.get(path) ?? 0) + n);
  return {
    bytes,
    reader: {
      head: (path, max) => {
        const b = fileReader.head(path, max);
        if (b) add(path, b.length);
        return b;
      },
      tail: (path, max) => {
        const t = fileReader.tail(path, max);
        if (t) add(path, t.bytes.length);
        return t;
      },
    },
  };
}

const KINDS = ['finished', 'failed', 'running', 'resumable', 'interrupted', 'torn'] as const;
const heartbeat = (msAgo: number): string => `${JSON.stringify({ type: 'heartbeat', time: new Date(Date.now() - msAgo).toISOString() })}\n`;

/**
 * 200 small runs of every kind, and 3 with long logs (over 1 MB, an evaluation every 25 iterations).
 * Every log was just written: whether a run is running comes from its last heartbeat (a second
 * ago, or an hour ago for those that stopped), never from the file's time.
 */
function makeRuns(root: string): Map<string, (typeof KINDS)[number]> {
  const kinds = new Map<string, (typeof KINDS)[number]>();
  for (let i = 0; i < 203; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const long = i >= 200;
    const id = `group${i % 4}/run-${String(i).padStart(3, '0')}`;
    const dir = join(root, id);
    const end =
      kind === 'finished' ? [{ type: 'finished', iterations: 10, elapsedMs: 1000 }] : kind === 'failed' ? [{ type: 'error', message: `boom ${i}` }] : [];
    writeRun(
      dir,
      { name: id, seed: i, iterations: 10, env: { name: 'hypergrid', ndim: 2 }, objective: { name: i % 2 ? 'tb' : 'rl', backward: 'uniform' } },
      runLines(long ? 10_000 : 10, long ? 25 : 5, end),
    );
    if (kind === 'running' || kind === 'resumable' || kind === 'interrupted' || kind === 'torn')
      appendFileSync(join(dir, 'metrics.jsonl'), heartbeat(kind === 'running' ? 1000 : 3_600_000));
    if (kind === 'torn') appendFileSync(join(dir, 'metrics.jsonl'), '{"type":"finished","itera');
    if (kind === 'resumable') writeFileSync(join(dir, 'checkpoint.json'), '{}');
    kinds.set(id, kind);
  }
  return kinds;
}

describe('run listing', () => {
  const root = tempDir();
  const kinds = makeRuns(root);

  it('lists 200+ runs with the status, config and latest metrics their files give, reading a bounded tail of each log', () => {
    const { reader, bytes } = countingReader();
    const listing = scanRoot(root, { reader, now: Date.now() });
    expect(listing.runs).toHaveLength(203);
    expect(listing.truncated).toBe(false);
    for (const run of listing.runs) {
      const kind = kinds.get(run.id)!;
      // a torn last line is skipped: the last complete line decides, and its heartbeat is an hour old
      expect(run.status, run.id).toBe(kind === 'torn' ? 'interrupted' : kind);
      expect(run.env).toBe('hypergrid');
      expect(run.backward).toBe('uniform');
      expect(run.name).toBe(run.id);
      const long = Number(run.id.slice(-3)) >= 200;
      expect(run.iteration).toBe(long ? 9999 : 9);
      expect(run.latest.loss).toBeCloseTo(10 / (long ? 10_000 : 10), 12);
      expect(run.latest.tv).toBeCloseTo(1 / (long ? 10_000 : 10), 12);
      expect(run.evaluationIteration).toBe(long ? 9999 : 9);
      if (kind === 'failed') expect(run.error).toBe(`boom ${Number(run.id.slice(-3))}`);
    }
    // the iteration lines are 100 ms apart: 10 it/s
    expect(listing.runs[0]!.itPerSec).toBeCloseTo(10, 9);
    for (const [path, n] of bytes) {
      if (path.endsWith('config.json')) expect(n).toBeLessThanOrEqual(CONFIG_READ_BYTES);
      else expect(n, path).toBeLessThanOrEqual(TAIL_READ_BYTES);
    }
  });

  it('reads a wider tail when the first holds no evaluation, and no more', () => {
    const dir = join(tempDir(), 'sparse');
    // one evaluation, then 2000 iteration lines (about 250 KB) after it
    const lines = runLines(2001, 1_000_000).split('\n');
    lines.splice(2, 0, JSON.stringify({ type: 'evaluation', iteration: 0, method: 'exact', tv: 0.5 }));
    writeRun(dir, { name: 'sparse' }, lines.join('\n'));
    const { reader, bytes } = countingReader();
    const [run] = scanRoot(dir, { reader, now: Date.now() }).runs;
    expect(run!.id).toBe('.');
    expect(run!.latest.tv).toBe(0.5);
    expect(bytes.get(join(dir, 'metrics.jsonl'))).toBeLessThanOrEqual(TAIL_READ_BYTES + WIDE_TAIL_READ_BYTES);
  });

  it('serves the listing over HTTP', async () => {
    const dashboard: Dashboard = await startDashboard({ root, port: 0 });
    try {
      const res = await rawGet(dashboard.url, '/api/runs');
      const body = JSON.parse(res.body) as { runs: Array<{ id: string }> };
      expect(body.runs.map((r) => r.id).sort()).toEqual([...kinds.keys()].sort());
    } finally {
      await dashboard.close();
    }
  });
});
