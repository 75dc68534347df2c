/** One line of `metrics.jsonl`. */
export interface MetricsRecord {
  type: string;
  [field: string]: unknown;
}

/**
 * Parses complete lines of `metrics.jsonl`. A line that is not a JSON object with a string `type`
 * (a line torn by a killed writer, garbage) is skipped and counted, never thrown.
 */
export function parseLines(lines: readonly string[]): { records: MetricsRecord[]; skipped: number } {
  const records: MetricsRecord[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as unknown;
      if (typeof r === 'object' && r !== null && !Array.isArray(r) && typeof (r as MetricsRecord).type === 'string') records.push(r as MetricsRecord);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

/** The numeric fields of a record. */
export function numericFields(record: MetricsRecord, omit: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === 'number' && !omit.includes(k)) out[k] = v;
  return out;
}
