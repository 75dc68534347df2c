import type { EvaluationRecord, IterationRecord, MetricsRecord } from '../../run-folder/records.js';
import { ACTOR_RATE, actorAndRewardValues } from './actor-series.js';

/** What the curves are plotted against. */
export type XAxis = 'iterations' | 'trajectories' | 'seconds';

/** A charted metric: from the iteration lines (loss, it/s) or the evaluation lines (the rest). */
export interface Metric {
  key: string;
  label: string;
}

/** The metrics every run page charts, in this order; other evaluation metrics follow as they appear. */
export const METRICS: readonly Metric[] = [
  { key: 'loss', label: 'loss' },
  { key: 'tv', label: 'TV' },
  { key: 'jsd', label: 'JSD' },
  { key: 'logZError', label: '|log Ẑ − log Z|' },
  { key: 'modesFound', label: 'modes found' },
  { key: 'rewardRatio', label: 'reward ratio' },
  { key: 'itPerSec', label: 'it/s' },
  { key: ACTOR_RATE, label: 'trajectories/s per actor' },
  { key: 'meanStaleness', label: 'mean staleness (updates)' },
  { key: 'droppedBatches', label: 'batches dropped as stale' },
  { key: 'rewardLatencyMeanMs', label: 'reward latency, mean (ms)' },
  { key: 'rewardLatencyP95Ms', label: 'reward latency, p95 (ms)' },
];

/** Evaluation fields that are not curves of their own. */
const NOT_CHARTED = new Set(['iteration', 'modesTotal', 'logZ']);

/** Where in the run a point lies, on each possible x axis. */
export interface Position {
  iterations: number;
  trajectories: number;
  seconds: number;
}

export interface Point extends Position {
  value: number;
}

/**
 * A curve thinned to at most about `cap` points spread evenly over the run (each time it
 * overflows, every other point goes and only every (2^k)-th new one is kept), plus the newest.
 */
export class ThinnedSeries {
  private kept: Point[] = [];
  private stride = 1;
  private seen = 0;
  private newest?: Point;

  constructor(private readonly cap = 1500) {}

  push(p: Point): void {
    this.newest = p;
    if (this.seen++ % this.stride !== 0) return;
    this.kept.push(p);
    if (this.kept.length > this.cap) {
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  points(): Point[] {
    return this.newest && this.kept.at(-1) !== this.newest ? [...this.kept, this.newest] : this.kept;
  }
}

/** Iterations the it/s rate is measured over. */
const RATE_WINDOW = 20;

/**
 * The curves of one run, built from its log records as they arrive. An evaluation line is placed
 * at the trajectories and seconds of the iteration line with the same `iteration` (it may come
 * before or after it), else at the last iteration line before it. Seconds continue across a
 * resume (each process counts its own).
 */
export class RunSeries {
  readonly curves = new Map<string, ThinnedSeries>();
  /** Byte offset of the log read so far (to resume a stream without reading again). */
  offset = 0;
  /** Records applied since the last reset. */
  records = 0;
  /** The newest iteration's staleness histogram (`staleness[l]`: batches trained on l updates stale), for runs with actors. */
  staleness?: readonly number[];
  private last?: Position & { iteration: number };
  private pending: EvaluationRecord[] = [];
  private secondsBefore = 0;
  private window: Array<Position & { iteration: number }> = [];

  /** Forgets everything (the log was replaced). */
  reset(): void {
    this.curves.clear();
    this.offset = 0;
    this.records = 0;
    this.last = undefined;
    this.pending = [];
    this.secondsBefore = 0;
    this.window = [];
    this.staleness = undefined;
  }

  add(records: readonly MetricsRecord[]): void {
    for (const r of records) {
      this.records++;
      if (r.type === 'start') {
        const offset = this.offset;
        this.reset();
        this.offset = offset;
        this.records = 1;
      } else if (r.type === 'resume') {
        this.secondsBefore = this.last?.seconds ?? 0;
        this.window = [];
      } else if (r.type === 'iteration') this.iteration(r);
      else if (r.type === 'evaluation') {
        if (this.last && this.last.iteration === r.iteration) this.evaluation(r, this.last);
        else this.pending.push(r);
      }
    }
  }

  private curve(key: string): ThinnedSeries {
    let c = this.curves.get(key);
    if (!c) this.curves.set(key, (c = new ThinnedSeries()));
    return c;
  }

  private iteration(r: IterationRecord): void {
    const iteration = r.iteration;
    const pos = { iteration, iterations: iteration, trajectories: r.trajectories, seconds: this.secondsBefore + r.elapsedMs / 1000 };
    const before = this.last ?? { iteration: 0, iterations: 0, trajectories: 0, seconds: this.secondsBefore };
    for (const e of this.pending) this.evaluation(e, e.iteration === iteration ? pos : before);
    this.pending = [];
    if (typeof r.loss === 'number') this.curve('loss').push({ ...pos, value: r.loss });
    for (const [key, value] of actorAndRewardValues(r)) this.curve(key).push({ ...pos, value });
    if (r.actors) this.staleness = r.actors.staleness;
    this.window.push(pos);
    if (this.window.length > RATE_WINDOW + 1) this.window.shift();
    const first = this.window[0]!;
    if (pos.seconds > first.seconds) this.curve('itPerSec').push({ ...pos, value: (pos.iteration - first.iteration) / (pos.seconds - first.seconds) });
    this.last = pos;
  }

  private evaluation(r: EvaluationRecord, at: Position): void {
    const position = { iterations: r.iteration, trajectories: at.trajectories, seconds: at.seconds };
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && !NOT_CHARTED.has(k)) this.curve(k).push({ ...position, value: v });
  }
}
