/**
 * Progress of one long synchronous step (building or loading a large table) as occasional text
 * lines: silent while the step is short, so that quick steps print nothing, then a line every few
 * seconds and one when it is done. The step reports its fraction done through {@link update}; the
 * clock and the output are injected so that the host picks the channel (under Node, standard error
 * as `[gfn] …`) and tests drive a fake clock.
 */

/** What a long step reports its progress to. */
export interface ProgressSink {
  /** The fraction of the step done so far, in [0, 1]. Cheap to call often: lines are throttled. */
  update(fraction: number): void;
  /** The step is over: one closing line if any time was worth reporting. */
  done(): void;
}

/** A sink that prints nothing (hosts without a console, tests that do not look). */
export const silentProgress: ProgressSink = { update: () => {}, done: () => {} };

/** Options of {@link ProgressLine}. */
export interface ProgressLineOptions {
  /** Prints one line (without a trailing newline). */
  write(line: string): void;
  /** The current time in milliseconds (any origin). */
  now(): number;
  /** No line at all while the step has run less than this many milliseconds (default 2000). */
  quietMs?: number;
  /** At least this many milliseconds between two progress lines (default 5000). */
  everyMs?: number;
}

/**
 * Lines `<label>: 37 % (12 s)` at most every `everyMs` once `quietMs` have passed, and
 * `<label>: done in 14.2 s` at the end when the step took `quietMs` or more.
 */
export class ProgressLine implements ProgressSink {
  private readonly started: number;
  private readonly quietMs: number;
  private readonly everyMs: number;
  private lastLine: number | undefined;
  private finished = false;

  constructor(
    private readonly label: string,
    private readonly options: ProgressLineOptions,
  ) {
    this.quietMs = options.quietMs ?? 2000;
    this.everyMs = options.everyMs ?? 5000;
    if (!(this.quietMs >= 0) || !(this.everyMs > 0))
      throw new Error(`ProgressLine: quietMs must be ≥ 0 and everyMs > 0, got quietMs ${this.quietMs}, everyMs ${this.everyMs}`);
    this.started = options.now();
  }

  update(fraction: number): void {
    if (this.finished) return;
    const now = this.options.now();
    const elapsed = now - this.started;
    if (elapsed < this.quietMs || (this.lastLine !== undefined && now - this.lastLine < this.everyMs)) return;
    this.lastLine = now;
    const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
    this.options.write(`${this.label}: ${percent} % (${Math.round(elapsed / 1000)} s)`);
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    const elapsed = this.options.now() - this.started;
    if (elapsed >= this.quietMs) this.options.write(`${this.label}: done in ${(elapsed / 1000).toFixed(1)} s`);
  }
}
