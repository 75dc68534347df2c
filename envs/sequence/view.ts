import type { TableView, ViewSource } from '../../core/env/view.js';
import { selectRows } from '../../core/sampling/transitions.js';

/** Rows of the best-sequences table. */
export const BEST_SEQUENCES_SHOWN = 10;

/** What the view needs from a sequence task. */
export interface SequenceTask {
  readonly ndim: number;
  readonly nbase: number;
  /** Natural-log reward of each full sequence (rows of `ndim` symbols). */
  logReward(states: Int32Array): Float64Array;
  logPartition(): number;
  /** Index of each state in the enumeration that P_T is given over (exact evaluation only). */
  stateIndex(states: Int32Array): Int32Array;
}

const SYMBOLS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A sequence as text: one character per symbol (digits, then letters), dash-separated past 36 symbols. */
export function sequenceText(symbols: ArrayLike<number>, nbase: number): string {
  const parts = Array.from(symbols, (v) => (nbase <= SYMBOLS.length ? SYMBOLS[v]! : String(v)));
  return parts.join(nbase <= SYMBOLS.length ? '' : '-');
}

/**
 * The best distinct sequences among the evaluation's samples, by reward: log R, how often each was
 * drawn, and with the exact P_T (exact evaluation) also P_T(x) next to R(x)/Z. Undefined without
 * samples.
 */
export function bestSequencesView(task: SequenceTask, source: ViewSource): TableView | undefined {
  const { samples } = source;
  if (!samples || samples.length === 0) return undefined;
  const d = task.ndim;
  const n = samples.length / d;
  // distinct sequences by their text (works at any length, where base-nbase indices would overflow)
  const distinct = new Map<string, { row: number; count: number }>();
  for (let i = 0; i < n; i++) {
    const key = sequenceText(samples.subarray(i * d, (i + 1) * d), task.nbase);
    const seen = distinct.get(key);
    if (seen) seen.count++;
    else distinct.set(key, { row: i, count: 1 });
  }
  const entries = [...distinct.entries()];
  const rows = selectRows(
    samples,
    d,
    entries.map(([, { row }]) => row),
  );
  const logR = task.logReward(rows);
  const order = entries
    .map((_, k) => k)
    .sort((a, b) => logR[b]! - logR[a]! || (entries[a]![0] < entries[b]![0] ? -1 : 1))
    .slice(0, BEST_SEQUENCES_SHOWN);
  const pT = source.terminating;
  const logZ = pT ? task.logPartition() : 0;
  const best = selectRows(rows, d, order);
  const stateIdx = pT ? task.stateIndex(best) : undefined;
  return {
    kind: 'table',
    title: `Best of ${distinct.size} distinct sequences among ${n} samples`,
    columns: ['sequence', 'log R', 'times drawn', ...(pT ? ['P_T(x)', 'R(x)/Z'] : [])],
    rows: order.map((k, j) => [entries[k]![0], logR[k]!, entries[k]![1].count, ...(pT ? [pT[stateIdx![j]!]!, Math.exp(logR[k]! - logZ)] : [])]),
  };
}
