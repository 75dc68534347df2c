import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { type BenchProgress, type BenchReporter, formatDuration } from './harness.js';

/**
 * The benchmark's progress on stderr. On a TTY: one live bar for the whole benchmark (runs done /
 * total, running, failed, ETA) and below it one bar per running run (its budget spent and
 * iterations done, wherever it runs: a local worker or a queue worker on another machine), with
 * the per-run lines printed above; otherwise (CI logs, pipes) just the per-run lines, each of
 * which carries the ETA.
 */
export function benchReporter(stream: NodeJS.WriteStream = process.stderr, tty = stream.isTTY === true): BenchReporter {
  if (!tty) return { line: (text) => void stream.write(`${text}\n`), progress: () => {}, close: () => {} };
  const multi = new MultiBar(
    { format: '{label} |{bar}| {percentage}% | {detail}', stream, hideCursor: true, clearOnComplete: false, etaBuffer: 1000 },
    Presets.shades_classic,
  );
  let bar: SingleBar | undefined;
  const runBars = new Map<string, SingleBar>();
  const payload = (s: BenchProgress): Record<string, string> => ({
    label: `runs ${s.done}/${s.total}`,
    detail: `${s.running} running${s.failed > 0 ? ` | ${s.failed} failed` : ''} | ETA ${s.etaSeconds !== undefined ? formatDuration(s.etaSeconds) : '-'}`,
  });
  return {
    line: (text) => (bar ? multi.log(`${text}\n`) : void stream.write(`${text}\n`)),
    progress: (s) => {
      // the bar's value includes the running runs' fractions, so it moves between run ends
      if (!bar) bar = multi.create(s.total, s.value, payload(s));
      else bar.update(Math.round(s.value * 100) / 100, payload(s));
      const now = new Set(s.runs.map((r) => r.id));
      for (const [id, b] of runBars) {
        if (now.has(id)) continue;
        multi.remove(b);
        runBars.delete(id);
      }
      for (const r of s.runs) {
        const run = { label: `  ${r.id}`, detail: r.iterations !== undefined ? `iteration ${r.iterations}` : '' };
        const b = runBars.get(r.id);
        if (b) b.update(Math.round(r.fraction * 1000) / 1000, run);
        else runBars.set(r.id, multi.create(1, r.fraction, run));
      }
    },
    close: () => {
      // lines logged since the last redraw wait in cli-progress's buffer: draw once more to flush them
      if (bar) multi.update();
      multi.stop();
    },
  };
}
