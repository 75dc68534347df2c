import type { MetricsRecord } from '../../run-folder/records.js';
import { RunSeries } from './series.js';

const RETRY_MS = 2000;

/**
 * The logs of the followed runs, kept current over one server-sent-events stream. Each run's
 * curves remember the byte offset read, so that following again (a changed selection, a dropped
 * connection) continues where it stopped instead of reading the log again.
 */
export class LiveLogs {
  readonly series = new Map<string, RunSeries>();
  private source?: EventSource;
  private following: string[] = [];
  private retry?: ReturnType<typeof setTimeout>;

  /** `onRecords(run, records)` after each batch is applied. */
  constructor(private readonly onRecords: (run: string, records: readonly MetricsRecord[]) => void) {}

  follow(runs: readonly string[]): void {
    const next = [...runs].sort();
    if (next.join('\n') === this.following.join('\n') && this.source) return;
    this.following = next;
    this.open();
  }

  close(): void {
    clearTimeout(this.retry);
    this.source?.close();
    this.source = undefined;
  }

  private open(): void {
    this.close();
    if (this.following.length === 0) return;
    const query = new URLSearchParams();
    for (const run of this.following) {
      if (!this.series.has(run)) this.series.set(run, new RunSeries());
      query.append('run', run);
      query.append('from', String(this.series.get(run)!.offset));
    }
    const source = new EventSource(`/api/stream?${query.toString()}`);
    this.source = source;
    source.addEventListener('records', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { run: string; offset: number; records: MetricsRecord[] };
      const series = this.series.get(data.run);
      if (!series) return;
      series.add(data.records);
      series.offset = data.offset;
      this.onRecords(data.run, data.records);
    });
    source.addEventListener('reset', (event) => {
      const { run } = JSON.parse((event as MessageEvent<string>).data) as { run: string };
      this.series.get(run)?.reset();
      this.onRecords(run, []);
    });
    source.addEventListener('error', () => {
      // reconnect ourselves, from the offsets read so far (the browser's own retry would start over)
      source.close();
      if (this.source !== source) return;
      this.source = undefined;
      this.retry = setTimeout(() => this.open(), RETRY_MS);
    });
  }
}
