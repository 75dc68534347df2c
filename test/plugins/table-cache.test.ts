import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrComputeTable } from '../../plugins/node/table-cache.js';

const root = mkdtempSync(join(tmpdir(), 'gfn-table-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LENGTH = 1000;
const TABLE = Float64Array.from({ length: LENGTH }, (_, i) => Math.sin(i) * 1e3);

let dirs = 0;
/** A cache folder holding a freshly computed copy of the table; `load()` reads through it, counting computations and notes. */
function cache() {
  const dir = join(root, `cache-${dirs++}`);
  const spec = { key: 'test-table-0123', length: LENGTH, compute: () => (computed++, TABLE) };
  let computed = 0;
  const notes: string[] = [];
  const load = () => {
    const before = computed;
    const { table, outcome } = loadOrComputeTable(spec, dir, (n) => notes.push(n));
    expect(table).toEqual(TABLE);
    return { outcome, computed: computed - before };
  };
  expect(load()).toEqual({ outcome: 'computed', computed: 1 });
  return { load, notes, record: join(dir, `${spec.key}.json`), data: join(dir, `${spec.key}.f64`) };
}

describe('cached tables carry a format version and a checksum', () => {
  it('the record names the format, version, key, length and sha256 of the data; a valid copy is loaded, not computed', () => {
    const c = cache();
    const record = JSON.parse(readFileSync(c.record, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['format', 'version', 'key', 'length', 'sha256']);
    expect(record).toMatchObject({ format: 'gflownet-ts-table', version: 1, key: 'test-table-0123', length: LENGTH });
    expect(readFileSync(c.data)).toHaveLength(LENGTH * 8);
    expect(c.load()).toEqual({ outcome: 'loaded', computed: 0 });
    expect(c.notes).toEqual([]);
  });

  it('a truncated data file is refused, named, computed again and replaced', () => {
    const c = cache();
    truncateSync(c.data, 4000);
    expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
    expect(c.notes).toEqual([
      `cached table test-table-0123: ${c.data} is truncated or padded: 4000 bytes, expected 8000 (1000 float64 values); computing it again`,
    ]);
    expect(c.load()).toEqual({ outcome: 'loaded', computed: 0 });
  });

  it('a truncated record is refused, named, and replaced', () => {
    const c = cache();
    writeFileSync(c.record, readFileSync(c.record).subarray(0, 50));
    expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
    expect(c.notes).toEqual([`cached table test-table-0123: ${c.record} is truncated or damaged: it is not complete JSON; computing it again`]);
    expect(c.load().outcome).toBe('loaded');
  });

  it('one changed byte in the data (or a changed checksum in the record) is caught by the sha256', () => {
    const c = cache();
    const bytes = readFileSync(c.data);
    bytes[1234] = bytes[1234]! ^ 0x01;
    writeFileSync(c.data, bytes);
    expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
    const corrupted = `cached table test-table-0123: ${c.data} is corrupted: its sha256 does not match the one in ${c.record}; computing it again`;
    expect(c.notes).toEqual([corrupted]);
    const record = readFileSync(c.record, 'utf8');
    const at = record.indexOf('"sha256":"') + 20;
    writeFileSync(c.record, `${record.slice(0, at)}${record[at] === '0' ? '1' : '0'}${record.slice(at + 1)}`);
    expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
    expect(c.notes[1]).toBe(corrupted);
    expect(c.load().outcome).toBe('loaded');
  });

  it('a record from a newer gflownet-ts is refused and left in place for that version', () => {
    const c = cache();
    const newer = readFileSync(c.record, 'utf8').replace('"version":1,', '"version":2,');
    writeFileSync(c.record, newer);
    const data = readFileSync(c.data);
    for (let i = 0; i < 2; i++) expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
    expect(c.notes[0]).toBe(
      `cached table test-table-0123: ${c.record} was written by a newer gflownet-ts (format version 2; this one reads version 1): upgrade gflownet-ts to read it; computing it again (the newer file is left in place)`,
    );
    expect(readFileSync(c.record, 'utf8')).toBe(newer);
    expect(readFileSync(c.data)).toEqual(data);
  });

  it('another kind of file as the record (a metrics log, a record without a format, binary data) is refused and replaced', () => {
    for (const [content, why] of [
      ['{"type":"start","iteration":0}\n{"type":"iteration","iteration":1}\n', "it holds one JSON object per line (like a run's metrics.jsonl)"],
      [JSON.stringify({ length: LENGTH, sha256: '0'.repeat(64) }), 'it is a JSON object without a "format" field'],
      [Buffer.from(TABLE.buffer, 0, 64), 'it holds binary data'],
    ] as const) {
      const c = cache();
      writeFileSync(c.record, content);
      expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
      expect(c.notes).toEqual([`cached table test-table-0123: ${c.record} is not a gflownet-ts table cache record: ${why}; computing it again`]);
      expect(c.load().outcome).toBe('loaded');
    }
  });

  it('a data file without its record, or a record without its data, is refused and rewritten', () => {
    const c = cache();
    unlinkSync(c.record);
    expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
    expect(c.notes[0]).toBe(`cached table test-table-0123: ${c.data} has no record ${c.record} beside it (an interrupted write?); computing it again`);
    unlinkSync(c.data);
    expect(c.load()).toEqual({ outcome: 'recomputed', computed: 1 });
    expect(c.notes[1]).toBe(`cached table test-table-0123: ${c.data} is missing (its record ${c.record} is there); computing it again`);
    expect(existsSync(c.data) && c.load().outcome).toBe('loaded');
  });
});
