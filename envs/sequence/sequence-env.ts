import { batchSize, type Enumerable, type Environment, type WithModes, rowsEqual } from '../../core/env/environment.js';
import type { TokenLayout, WithTokenLayout } from '../../core/env/capabilities.js';
import type { EvaluationView, ViewSource, WithEvaluationView } from '../../core/env/view.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Guide, GuideProvider } from '../../core/policy/guide.js';
import { oneHotEntryColumns, type WithFewHotEncoding } from '../../core/env/few-hot.js';
import { encodeSequences } from './encode.js';
import { SequenceReplayGuide } from './guide.js';
import { buildStateOrder, type StateOrder } from './state-order.js';
import { bestSequencesView } from './view.js';

/**
 * The reward of a sequence task, over full sequences identified by their *index*: the base-nbase
 * number of the sequence, most significant position first (the indexing of the data files).
 */
export interface SequenceReward {
  /** Natural-log reward of the full sequence with this index. */
  logRewardOfIndex(index: number): number;
  /** Indices of the task's mode sequences, without repeats. */
  modeIndices(): Int32Array;
}

/**
 * A reward over full sequences given as rows of symbols, for tasks whose nbase^ndim sequences do
 * not fit 32-bit indices (long bit strings). Only this is needed to train; exact evaluation
 * (small sizes only) reads it through the sequences' indices.
 */
export interface RowSequenceReward {
  /** Natural-log reward of one full sequence (`ndim` symbols). */
  logRewardOfSequence(sequence: ArrayLike<number>): number;
  /** The task's mode sequences, `k x ndim`, without repeats. */
  modeSequences(): Int32Array;
}

/** Either kind of sequence reward. */
export type AnySequenceReward = SequenceReward | RowSequenceReward;

const isRowReward = (r: AnySequenceReward): r is RowSequenceReward => typeof (r as Partial<RowSequenceReward>).logRewardOfSequence === 'function';

/** Shape of a {@link SequenceEnv}. */
export interface SequenceEnvOptions {
  /** Registered name of the task, e.g. `tfbind8`. */
  name: string;
  /** Number of positions. */
  ndim: number;
  /** Number of symbols. */
  nbase: number;
}

/** Exact evaluation keeps (nbase+1)^ndim states and a rank table of the same length: bound them. */
const MAX_ENUMERABLE_STATES = 2 ** 25;

/**
 * Sequence design, "insert anywhere": `ndim` positions, each empty (−1) or holding one of `nbase`
 * symbols; s0 is all empty. Forward action `a = symbol·ndim + position` (a < nbase·ndim) writes
 * `symbol` at an empty `position`; exit (a = nbase·ndim) is allowed only once every position is
 * filled, so only full sequences terminate and every trajectory has ndim + 1 actions. Backward
 * action `a` empties `position` and is allowed iff that position holds `symbol`. Observations are
 * one-hot per position (`obs[position·nbase + symbol] = 1`; empty positions are all zero).
 *
 * The reward is supplied by the task ({@link SequenceReward}); this class owns the dynamics and the
 * exact enumeration (states ordered by number of filled positions, see `state-order.ts`).
 */
export class SequenceEnv implements Environment, Enumerable, WithModes, GuideProvider, WithEvaluationView, WithTokenLayout, WithFewHotEncoding {
  readonly name: string;
  readonly ndim: number;
  readonly nbase: number;
  readonly stateDim: number;
  readonly nActions: number;
  readonly obsDim: number;
  readonly s0: Int32Array;
  readonly maxTrajectoryLength: number;
  /** One column per filled position (see {@link encodeColumns}). */
  readonly obsColumnsPerRow: number;
  /** Number of states, (nbase+1)^ndim (s_f excluded). */
  readonly nStates: number;
  /** Number of full sequences, nbase^ndim. */
  readonly nSequences: number;
  private order?: StateOrder;
  private sequenceLogRewardTable?: Float64Array;
  private cachedLogZ?: number;

  constructor(
    options: SequenceEnvOptions,
    readonly reward: AnySequenceReward,
  ) {
    const { name, ndim, nbase } = options;
    if (!Number.isInteger(ndim) || ndim < 1) throw new Error(`${name}: ndim must be an integer >= 1, got ${ndim}`);
    if (!Number.isInteger(nbase) || nbase < 2) throw new Error(`${name}: nbase must be an integer >= 2, got ${nbase}`);
    // an index-based reward needs sequence indices, which travel in Int32Arrays
    if (!isRowReward(reward) && nbase ** ndim > 2 ** 31 - 1) throw new Error(`${name}: nbase^ndim = ${nbase}^${ndim} sequences do not fit 32-bit indices`);
    this.name = name;
    this.ndim = ndim;
    this.nbase = nbase;
    this.stateDim = ndim;
    this.nActions = nbase * ndim + 1;
    this.obsDim = ndim * nbase;
    this.s0 = new Int32Array(ndim).fill(-1);
    this.maxTrajectoryLength = ndim + 1;
    this.obsColumnsPerRow = ndim;
    this.nStates = (nbase + 1) ** ndim;
    this.nSequences = nbase ** ndim;
  }

  step(states: Int32Array, actions: Int32Array): Int32Array {
    const d = this.ndim;
    const n = batchSize(states, d);
    if (actions.length !== n) throw new Error(`${this.name}.step: ${actions.length} actions for ${n} states`);
    const out = states.slice();
    const exit = this.nActions - 1;
    for (let i = 0; i < n; i++) {
      const a = actions[i]!;
      if (!Number.isInteger(a) || a < 0 || a >= exit)
        throw new Error(`${this.name}.step: action ${a} in row ${i} is not an insertion in [0, ${exit}) (exit is handled by the sampler)`);
      const symbol = Math.floor(a / d);
      const k = i * d + (a - symbol * d);
      if (out[k] !== -1) throw new Error(`${this.name}.step: position ${a - symbol * d} is already filled (symbol ${out[k]}) in row ${i}`);
      out[k] = symbol;
    }
    return out;
  }

  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    const d = this.ndim;
    const n = batchSize(states, d);
    if (actions.length !== n) throw new Error(`${this.name}.backwardStep: ${actions.length} actions for ${n} states`);
    const out = states.slice();
    const nB = this.nActions - 1;
    for (let i = 0; i < n; i++) {
      const a = actions[i]!;
      if (!Number.isInteger(a) || a < 0 || a >= nB) throw new Error(`${this.name}.backwardStep: invalid backward action ${a} in row ${i}, expected [0, ${nB})`);
      const symbol = Math.floor(a / d);
      const k = i * d + (a - symbol * d);
      if (out[k] !== symbol) throw new Error(`${this.name}.backwardStep: position ${a - symbol * d} holds ${out[k]}, not symbol ${symbol}, in row ${i}`);
      out[k] = -1;
    }
    return out;
  }

  forwardMask(states: Int32Array): Uint8Array {
    const d = this.ndim;
    const nA = this.nActions;
    const n = batchSize(states, d);
    const inserts = nA - 1;
    const mask = new Uint8Array(n * nA);
    // large alphabets (bitseq's 256 words): copy symbol 0's block to the other nbase − 1 in doubling
    // runs, a few memory moves per row instead of nbase strided writes per empty position; small
    // ones (TFbind8, qm9str, sEH strings) write directly, cheaper than the copies' calls
    const nbase = this.nbase;
    const copyBlocks = nbase >= 32;
    for (let i = 0; i < n; i++) {
      const row = i * nA;
      let full = 1;
      for (let p = 0; p < d; p++) {
        if (states[i * d + p] !== -1) continue;
        full = 0;
        if (copyBlocks) mask[row + p] = 1;
        else for (let b = 0; b < nbase; b++) mask[row + b * d + p] = 1;
      }
      if (copyBlocks && !full) {
        for (let done = d; done < inserts; ) {
          const len = Math.min(done, inserts - done);
          mask.copyWithin(row + done, row, row + len);
          done += len;
        }
      }
      mask[row + inserts] = full;
    }
    return mask;
  }

  backwardMask(states: Int32Array): Uint8Array {
    const d = this.ndim;
    const nB = this.nActions - 1;
    const n = batchSize(states, d);
    const mask = new Uint8Array(n * nB);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < d; p++) {
        const v = states[i * d + p]!;
        if (v >= 0) mask[i * nB + v * d + p] = 1;
      }
    }
    return mask;
  }

  isInitial(states: Int32Array): Uint8Array {
    return rowsEqual(states, this.s0);
  }

  encode(states: Int32Array): Float32Array {
    return encodeSequences(this.name, states, this.ndim, this.nbase);
  }

  /** The column position·nbase + symbol of each filled position (empty: none): `encode`'s ones. */
  encodeColumns(states: Int32Array): Int32Array {
    return oneHotEntryColumns(this.name, states, this.ndim, this.nbase);
  }

  /** Observations are `ndim` one-hot blocks over the `nbase` symbols (see `encode.ts`). */
  tokenLayout(): TokenLayout {
    return { positions: this.ndim, vocabulary: this.nbase };
  }

  /** Base-nbase index of each row, which must be a full sequence (most significant position first). */
  sequenceIndex(states: Int32Array): Int32Array {
    this.requireIndices();
    const d = this.ndim;
    const n = batchSize(states, d);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let idx = 0;
      for (let p = 0; p < d; p++) {
        const v = states[i * d + p]!;
        if (v < 0 || v >= this.nbase)
          throw new Error(`${this.name}: row ${i} is not a full sequence (position ${p} holds ${v}); only full sequences terminate`);
        idx = idx * this.nbase + v;
      }
      out[i] = idx;
    }
    return out;
  }

  /** The full sequences with the given base-nbase indices, `k x ndim`. */
  sequencesOf(indices: ArrayLike<number>): Int32Array {
    this.requireIndices();
    const d = this.ndim;
    const out = new Int32Array(indices.length * d);
    for (let i = 0; i < indices.length; i++) {
      const idx = indices[i]!;
      if (!Number.isInteger(idx) || idx < 0 || idx >= this.nSequences)
        throw new Error(`${this.name}: sequence index ${idx} is outside [0, ${this.nSequences})`);
      let rest = idx;
      for (let p = d - 1; p >= 0; p--) {
        out[i * d + p] = rest % this.nbase;
        rest = Math.floor(rest / this.nbase);
      }
    }
    return out;
  }

  logReward(states: Int32Array): Float64Array {
    const { reward } = this;
    if (isRowReward(reward)) {
      const d = this.ndim;
      const n = batchSize(states, d);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const row = states.subarray(i * d, i * d + d);
        for (let p = 0; p < d; p++)
          if (row[p]! < 0 || row[p]! >= this.nbase)
            throw new Error(`${this.name}: row ${i} is not a full sequence (position ${p} holds ${row[p]}); only full sequences terminate`);
        out[i] = reward.logRewardOfSequence(row);
      }
      return out;
    }
    const idx = this.sequenceIndex(states);
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = reward.logRewardOfIndex(idx[i]!);
    return out;
  }

  /** Sequence indices exist only while nbase^ndim fits 32 bits (exact evaluation sizes). */
  private requireIndices(): void {
    if (this.nSequences > 2 ** 31 - 1)
      throw new Error(`${this.name}: nbase^ndim = ${this.nbase}^${this.ndim} sequences do not fit 32-bit indices (only exact evaluation needs them)`);
  }

  /** log R of every full sequence, by base-nbase index (computed once). */
  sequenceLogRewards(): Float64Array {
    if (!this.sequenceLogRewardTable) {
      const table = new Float64Array(this.nSequences);
      const { reward } = this;
      if (isRowReward(reward)) for (let j = 0; j < table.length; j++) table[j] = reward.logRewardOfSequence(this.sequencesOf([j]));
      else for (let j = 0; j < table.length; j++) table[j] = reward.logRewardOfIndex(j);
      this.sequenceLogRewardTable = table;
    }
    return this.sequenceLogRewardTable;
  }

  /** Index in {@link allStates} of the full sequence with base-nbase index `sequence`. */
  stateIndexOfSequence(sequence: number): number {
    return this.nStates - this.nSequences + sequence;
  }

  /** True when state `index` of {@link allStates} is a full sequence (the only terminating states). */
  isTerminalIndex(index: number): boolean {
    return index >= this.nStates - this.nSequences && index < this.nStates;
  }

  /** Every state, parents first (by number of filled positions, then by code); a fresh copy. */
  allStates(): Int32Array {
    return this.stateOrder().states.slice();
  }

  stateIndex(states: Int32Array): Int32Array {
    const { rank } = this.stateOrder();
    const d = this.ndim;
    const radix = this.nbase + 1;
    const n = batchSize(states, d);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let code = 0;
      for (let p = 0; p < d; p++) {
        const v = states[i * d + p]!;
        if (v < -1 || v >= this.nbase)
          throw new Error(`${this.name}.stateIndex: value ${v} at position ${p} of row ${i} is not −1 or a symbol in [0, ${this.nbase})`);
        code = code * radix + v + 1;
      }
      out[i] = rank[code]!;
    }
    return out;
  }

  /** log Z = log Σ_x R(x) over the full sequences, in float64. */
  logPartition(): number {
    if (this.cachedLogZ === undefined) {
      const lr = this.sequenceLogRewards();
      let max = -Infinity;
      for (let j = 0; j < lr.length; j++) if (lr[j]! > max) max = lr[j]!;
      let s = 0;
      for (let j = 0; j < lr.length; j++) s += Math.exp(lr[j]! - max);
      this.cachedLogZ = max + Math.log(s);
    }
    return this.cachedLogZ;
  }

  /** R(x)/Z over {@link allStates}; zero for partial sequences. */
  trueDistribution(): Float64Array {
    const lr = this.sequenceLogRewards();
    const logZ = this.logPartition();
    const out = new Float64Array(this.nStates);
    const offset = this.nStates - this.nSequences;
    for (let j = 0; j < lr.length; j++) out[offset + j] = Math.exp(lr[j]! - logZ);
    return out;
  }

  /** Indices in {@link allStates} of the task's mode sequences. */
  modes(): Int32Array {
    return this.sequenceIndex(this.modeStates()).map((j) => this.stateIndexOfSequence(j));
  }

  modeStates(): Int32Array {
    const { reward } = this;
    return isRowReward(reward) ? reward.modeSequences() : this.sequencesOf(reward.modeIndices());
  }

  /** The best sequences among the evaluation's samples, with their rewards (see `bestSequencesView`). */
  evaluationView(source: ViewSource): EvaluationView | undefined {
    return bestSequencesView(this, source);
  }

  private stateOrder(): StateOrder {
    if (!this.order) {
      if (this.nStates > MAX_ENUMERABLE_STATES) {
        throw new Error(
          `${this.name}: (nbase+1)^ndim = ${this.nStates} states are too many to enumerate for exact evaluation (limit ${MAX_ENUMERABLE_STATES})`,
        );
      }
      this.order = buildStateOrder(this.ndim, this.nbase);
    }
    return this.order;
  }

  /**
   * The RL-G guide: P_G over "fill an empty position with x's symbol" ∝ the mean reward of
   * replayed training sequences that agree with the result (see guide.ts). `replayCapacity`
   * (default 100,000) bounds the replay.
   */
  createGuide(forward: Estimator, options: Record<string, unknown> = {}): Guide {
    const capacity = typeof options.replayCapacity === 'number' ? options.replayCapacity : 100_000;
    return new SequenceReplayGuide(this, this.ndim, this.nbase, forward, capacity);
  }
}
