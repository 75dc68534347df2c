import type { TableView, ViewSource } from '../../core/env/view.js';

/** Rows of the best-sequences table. */
export const BEST_SEQUENCES_SHOWN = 10;

/** What the view needs from a sequence task. */
export interface SequenceTask {
  readonly ndim: number;
  readonly nbase: number;
  /** Base-nbase index of each full sequence. */
  sequenceIndex(states: Int32Array): Int32Array;
  readonly reward: { logRewardOfIndex(index: number): number };
  logPartition(): number;
  stateIndexOfSequence(sequence: number): number;
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
  const n = samples.length / task.ndim;
  const counts = new Map<number, number>();
  for (const idx of task.sequenceIndex(samples)) counts.set(idx, (counts.get(idx) ?? 0) + 1);
  const best = [...counts.keys()]
    .map((idx) => ({ idx, logR: task.reward.logRewardOfIndex(idx) }))
    .sort((a, b) => b.logR - a.logR || a.idx - b.idx)
    .slice(0, BEST_SEQUENCES_SHOWN);
  const pT = source.terminating;
  const logZ = pT ? task.logPartition() : 0;
  const digits = (idx: number): number[] => {
    const out = new Array<number>(task.ndim);
    for (let p = task.ndim - 1, rest = idx; p >= 0; p--, rest = Math.floor(rest / task.nbase)) out[p] = rest % task.nbase;
    return out;
  };
  return {
    kind: 'table',
    title: `Best of ${counts.size} distinct sequences among ${n} samples`,
    columns: ['sequence', 'log R', 'times drawn', ...(pT ? ['P_T(x)', 'R(x)/Z'] : [])],
    rows: best.map(({ idx, logR }) => [
      sequenceText(digits(idx), task.nbase),
      logR,
      counts.get(idx)!,
      ...(pT ? [pT[task.stateIndexOfSequence(idx)]!, Math.exp(logR - logZ)] : []),
    ]),
  };
}
