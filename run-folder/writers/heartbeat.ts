import type { MetricsWriter } from '../metrics-writer.js';
import type { MetricsRecord } from '../records.js';
import { HEARTBEAT_BYTES, HEARTBEAT_INTERVAL_MS } from '../run-state.js';

/**
 * The heartbeats of a live run in its metrics log: a `heartbeat` record every `intervalMs` (on a
 * timer that never keeps the process alive) and after every {@link HEARTBEAT_BYTES} of other
 * records appended through it, between `start` and `stop`. Readers decide whether the run is still
 * being written from the last one (`runState`).
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private bytes = 0;

  constructor(
    private readonly log: MetricsWriter,
    private readonly intervalMs = HEARTBEAT_INTERVAL_MS,
  ) {}

  /** Starts beating (the run has written its start or resume record). */
  start(): void {
    this.stop();
    this.bytes = 0;
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  /** Appends `record`, then a heartbeat when {@link HEARTBEAT_BYTES} have been appended since the last one. */
  append(record: MetricsRecord): void {
    this.bytes += this.log.append(record);
    if (this.timer !== undefined && this.bytes >= HEARTBEAT_BYTES) this.beat();
  }

  /** Stops beating, before the run's last record (nothing may follow a `finished` or `error` record). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private beat(): void {
    this.log.append({ type: 'heartbeat', time: new Date().toISOString() });
    this.bytes = 0;
  }
}
