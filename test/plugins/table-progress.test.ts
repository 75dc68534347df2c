import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProgressLine } from '../../core/base/progress-line.js';
import { loadOrComputeTable } from '../../plugins/node/table-cache.js';

// Every clock here is fake: time moves only when the test says so, so nothing depends on how fast
// this machine is.

/** A clock at `t` ms that the test moves (and that moves `tick` ms more each time it is read), and the lines written. */
function fakeConsole(tick = 0) {
  const clock = { t: 1000 };
  const lines: string[] = [];
  const line = (label: string, options: { quietMs?: number; everyMs?: number } = {}) =>
    new ProgressLine(label, { write: (l) => lines.push(l), now: () => (clock.t += tick), ...options });
  return { clock, lines, line };
}

describe('a progress line for a long step', () => {
  it('is silent when the step takes less than 2 s, even with many updates', () => {
    const { clock, lines, line } = fakeConsole();
    const p = line('building the table');
    for (let i = 1; i <= 100; i++) {
      clock.t += 19;
      p.update(i / 100);
    }
    p.done();
    expect(lines).toEqual([]);
  });

  it('prints from 2 s on, at most every 5 s, then one closing line', () => {
    const { clock, lines, line } = fakeConsole();
    const p = line('building the table');
    // one update every 500 ms over 14 s
    for (let i = 1; i <= 28; i++) {
      clock.t += 500;
      p.update(i / 28);
    }
    clock.t += 200;
    p.done();
    expect(lines).toEqual([
      'building the table: 14 % (2 s)',
      'building the table: 50 % (7 s)',
      'building the table: 85 % (12 s)',
      'building the table: done in 14.2 s',
    ]);
  });

  it('closes with one line when the step ran long without updates, and only once', () => {
    const { clock, lines, line } = fakeConsole();
    const p = line('loading the table');
    clock.t += 3456;
    p.done();
    p.done();
    p.update(1);
    expect(lines).toEqual(['loading the table: done in 3.5 s']);
  });

  it('takes other thresholds, and refuses nonsense ones naming them', () => {
    const { clock, lines, line } = fakeConsole();
    const p = line('x', { quietMs: 0, everyMs: 1000 });
    p.update(0.5);
    clock.t += 999;
    p.update(0.75);
    clock.t += 1;
    p.update(2);
    expect(lines).toEqual(['x: 50 % (0 s)', 'x: 100 % (1 s)']);
    expect(() => line('x', { everyMs: 0 })).toThrow('ProgressLine: quietMs must be ≥ 0 and everyMs > 0, got quietMs 2000, everyMs 0');
  });
});

describe('the table cache reports building and loading', () => {
  const root = mkdtempSync(join(tmpdir(), 'gfn-table-progress-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // 40 MB: three chunks of reading, so the load reports more than once
  const LENGTH = 5_000_000;
  const TABLE = Float64Array.from({ length: LENGTH }, (_, i) => i * 0.25 - 7);

  it('a long build and a long load each print progress and a closing line; the loaded table is the built one', () => {
    const { clock, lines, line } = fakeConsole();
    // the build advances the fake clock 4 s per tenth
    const spec = {
      key: 'progress-table',
      length: LENGTH,
      description: 'the test table',
      compute: (onProgress?: (fraction: number) => void) => {
        for (let k = 1; k <= 10; k++) {
          clock.t += 4000;
          onProgress?.(k / 10);
        }
        return TABLE;
      },
    };
    const dir = join(root, 'long');
    expect(loadOrComputeTable(spec, dir, undefined, (label) => line(label)).outcome).toBe('computed');
    expect(lines).toEqual([
      'building the test table: 10 % (4 s)',
      'building the test table: 30 % (12 s)',
      'building the test table: 50 % (20 s)',
      'building the test table: 70 % (28 s)',
      'building the test table: 90 % (36 s)',
      'building the test table: done in 40.0 s',
    ]);
    // reading: 3 s pass each time the clock is read, once per 16 MB chunk (16, 16 and 8 MB)
    const reading = fakeConsole(3000);
    const loaded = loadOrComputeTable(spec, dir, undefined, (label) => reading.line(label));
    expect(loaded.outcome).toBe('loaded');
    // every value, compared as bytes (a deep equality over 5M numbers would take most of a minute)
    expect(Buffer.from(loaded.table.buffer).equals(Buffer.from(TABLE.buffer))).toBe(true);
    const at = `loading the test table from ${join(dir, 'progress-table.f64')}`;
    expect(reading.lines).toEqual([`${at}: 41 % (3 s)`, `${at}: 100 % (9 s)`, `${at}: done in 12.0 s`]);
  });

  it('a quick build and load print nothing', () => {
    const { lines, line } = fakeConsole();
    const spec = { key: 'quick-table', length: 10, compute: (onProgress?: (f: number) => void) => (onProgress?.(1), TABLE.slice(0, 10)) };
    const dir = join(root, 'quick');
    expect(loadOrComputeTable(spec, dir, undefined, (label) => line(label)).outcome).toBe('computed');
    expect(loadOrComputeTable(spec, dir, undefined, (label) => line(label)).outcome).toBe('loaded');
    expect(lines).toEqual([]);
  });
});
