import { existsSync, readFileSync } from 'node:fs';
import { metricsPath } from './paths.js';
import { type MetricsRecord, parseMetricsLine } from './records.js';

/** The records of a metrics log (or of a piece of one), as read. */
export interface MetricsLog {
  records: MetricsRecord[];
  /** Non-empty lines that hold no record: torn by a kill, garbage, or a record this version does not know. */
  skipped: number;
  /**
   * The last non-empty line holds no record: its writer was cut short (a killed process), or is
   * writing it right now. A torn log has not ended, whatever record comes before that line.
   */
  torn: boolean;
}

/** Parses lines of a metrics log; a line that holds no record is skipped and counted, never thrown. */
export function parseMetricsLines(lines: readonly string[]): MetricsLog {
  const log: MetricsLog = { records: [], skipped: 0, torn: false };
  for (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseMetricsLine(line);
    log.torn = record === undefined;
    if (record) log.records.push(record);
    else log.skipped++;
  }
  return log;
}

/** Parses the text of a metrics log (a last line without its newline included). */
export function parseMetricsText(text: string): MetricsLog {
  return parseMetricsLines(text.split('\n'));
}

/** Reads the whole metrics log of the run in `runDir`; undefined when the folder has none. */
export function readMetricsLog(runDir: string): MetricsLog | undefined {
  const path = metricsPath(runDir);
  return existsSync(path) ? parseMetricsText(readFileSync(path, 'utf8')) : undefined;
}
