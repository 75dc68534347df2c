import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import { metricsPath } from './paths.js';
import { type ErrorRecord, errorRecord, formatMetricsLine, type MetricsRecord, parseMetricsLine } from './records.js';

/**
 * The one writer of a run's metrics log. Each record is one append of one complete line, so a
 * killed run leaves every line before the one being written intact (that one is torn: see
 * `MetricsLog.torn`).
 */
export class MetricsWriter {
  /** Path of the log. */
  readonly path: string;

  constructor(runDir: string) {
    this.path = metricsPath(runDir);
  }

  /** Starts an empty log, for a fresh run (the run folder must exist). */
  clear(): void {
    writeFileSync(this.path, '');
  }

  /**
   * Rewrites the log (atomically) with only the records a run resumed from its checkpoint at
   * iteration `iteration` keeps: every record but the iterations and evaluations after it (the
   * interrupted process wrote them after that checkpoint; the resumed run repeats them) and lines
   * holding no record (one torn by the interruption). Kept lines stay byte for byte as they were.
   */
  keepUpTo(iteration: number): void {
    if (!existsSync(this.path)) return;
    const kept = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => {
        const r = parseMetricsLine(line);
        return r !== undefined && !((r.type === 'iteration' || r.type === 'evaluation') && r.iteration > iteration);
      });
    writeFileAtomic(this.path, kept.map((l) => `${l}\n`).join(''));
  }

  /** Appends one record; returns the bytes appended. */
  append(record: MetricsRecord): number {
    const line = formatMetricsLine(record);
    appendFileSync(this.path, line);
    return Buffer.byteLength(line);
  }
}

/**
 * Records a failure the run could not record itself (a worker that crashed, or failed before
 * training started): appends an `error` record, so that the log ends the way a failed run's does.
 * A last line torn by a kill keeps its place; the error starts on a line of its own. `context`: where
 * and at which iteration it failed, when known.
 */
export function appendRunError(runDir: string, message: string, context: Pick<ErrorRecord, 'where' | 'iteration'> = {}): void {
  mkdirSync(runDir, { recursive: true });
  const writer = new MetricsWriter(runDir);
  const torn = existsSync(writer.path) && !/(^|\n)$/.test(readFileSync(writer.path, 'utf8'));
  if (torn) appendFileSync(writer.path, '\n');
  writer.append(errorRecord(message, context));
}
