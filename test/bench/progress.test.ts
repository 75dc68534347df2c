import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../harness/harness.js';
import { benchReporter } from '../../harness/bench-progress.js';

/** A stream that keeps what is written; `tty` makes it look like a terminal to cli-progress. */
function capture(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  Object.assign(w, { isTTY: tty, columns: 120 });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => text };
}

describe('bench progress display', () => {
  it('without a TTY: the per-run lines only', () => {
    const c = capture(false);
    const r = benchReporter(c.stream);
    r.progress({ done: 1, total: 4, value: 1.5, running: 2, failed: 0, runs: [], etaSeconds: 30 });
    r.line('[bench] 2/4 x: finished');
    r.close();
    expect(c.text()).toBe('[bench] 2/4 x: finished\n');
  });

  it('on a TTY: a live bar with runs done / total, running and failed runs and the ETA, a bar per running run, lines above it', () => {
    const c = capture(true);
    const r = benchReporter(c.stream);
    r.progress({
      done: 1,
      total: 4,
      value: 2,
      running: 2,
      failed: 0,
      runs: [
        { id: 'grid-tb-s0', fraction: 0.25, iterations: 50 },
        { id: 'grid-db-s0', fraction: 0.75 },
      ],
      etaSeconds: 125,
    });
    r.line('[bench] 2/4 x: finished');
    r.progress({ done: 2, total: 4, value: 2, running: 1, failed: 1, runs: [{ id: 'grid-tb-s0', fraction: 0.5, iterations: 100 }], etaSeconds: 125 });
    r.close();
    const out = c.text();
    expect(out).toContain('[bench] 2/4 x: finished\n');
    expect(out).toMatch(/runs 2\/4 \|[^|]+\| 50% \| 1 running \| 1 failed \| ETA 2m05s/);
    // one bar per running run with its iterations; a run that ended loses its bar
    expect(out).toMatch(/ {2}grid-tb-s0 \|[^|]+\| 50% \| iteration 100/);
    expect(out.slice(out.lastIndexOf('runs 2/4'))).not.toContain('grid-db-s0');
  });

  it('formats durations', () => {
    expect([formatDuration(42.4), formatDuration(185), formatDuration(3725)]).toEqual(['42s', '3m05s', '1h02m']);
  });
});
