import { MultiBar, Presets } from 'cli-progress';
import { type BenchProgress, type BenchReporter, formatDuration } from '../../harness/harness.js';

/**
 * The benchmark's progress on stderr. On a TTY: one live bar (runs done / total, running runs,
 * ETA) with the per-run lines printed above it; otherwise (CI logs, pipes) just the per-run lines,
 * each of which carries the ETA.
 */
export function benchReporter(stream: NodeJS.WriteStream = process.stderr, tty = stream.isTTY === true): BenchReporter {
  if (!tty) return { line: (text) => void stream.write(`${text}\n`), progress: () => {}, close: () => {} };
  const multi = new MultiBar(
    { format: 'runs {done}/{total} |{bar}| {percentage}% | {running} running | ETA {eta_text}', stream, hideCursor: true, clearOnComplete: false, etaBuffer: 1000 },
    Presets.shades_classic,
  );
  let bar: ReturnType<MultiBar['create']> | undefined;
  const payload = (s: BenchProgress): Record<string, string | number> => ({ done: s.done, running: s.running, eta_text: s.etaSeconds !== undefined ? formatDuration(s.etaSeconds) : '-' });
  return {
    line: (text) => (bar ? multi.log(`${text}\n`) : void stream.write(`${text}\n`)),
    progress: (s) => {
      // the bar's value includes the running runs' fractions, so it moves between run ends
      if (!bar) bar = multi.create(s.total, s.value, payload(s));
      else bar.update(Math.round(s.value * 100) / 100, payload(s));
    },
    close: () => {
      // lines logged since the last redraw wait in cli-progress's buffer: draw once more to flush them
      if (bar) multi.update();
      multi.stop();
    },
  };
}
