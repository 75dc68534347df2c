import type { Checkpointable, StateRecord } from '../../core/checkpoint/checkpointable.js';
import { field } from '../../core/checkpoint/checkpointable.js';
import { decodeArray, type EncodedArray, encodeArray } from '../../core/checkpoint/encoding.js';
import type { Rng } from '../../core/base/rng.js';

/** A batch of stored transitions s → s' = step(s, a), with log R(s') − log R(s). */
export interface TransitionBatch {
  count: number;
  /** Start states, `count x stateDim`. */
  states: Int32Array;
  actions: Int32Array;
  /** log R(s') − log R(s). */
  logRewardDeltas: Float64Array;
}

/**
 * A ring buffer of single forward transitions (not trajectories) for objectives that train on
 * transitions drawn uniformly without replacement, as DAG-GFlowNet's replay does. States are kept
 * as bytes (a DAG's adjacency bits: 100,000 transitions of d = 20 take 40 MB); s' is recomputed
 * by the environment when drawn, so it is not stored. The oldest transition is overwritten first.
 * The last `wideColumns` entries of a state are kept as 32-bit integers instead: a conditional
 * run's condition columns (float32 bit patterns), which no byte holds.
 */
export class TransitionReplay implements Checkpointable {
  private readonly states: Uint8Array;
  /** The wide columns of each stored state, `capacity x wideColumns`. */
  private readonly wide: Int32Array;
  /** Entries of a state kept as bytes. */
  private readonly narrow: number;
  private readonly actions: Int32Array;
  private readonly deltas: Float64Array;
  /** Next slot to write. */
  private next = 0;
  private stored = 0;

  constructor(
    readonly capacity: number,
    readonly stateDim: number,
    readonly wideColumns = 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`transition replay: capacity must be an integer >= 1, got ${capacity}`);
    if (!Number.isInteger(wideColumns) || wideColumns < 0 || wideColumns > stateDim)
      throw new Error(`transition replay: wideColumns must be an integer in 0..${stateDim}, got ${wideColumns}`);
    this.narrow = stateDim - wideColumns;
    this.states = new Uint8Array(capacity * this.narrow);
    this.wide = new Int32Array(capacity * wideColumns);
    this.actions = new Int32Array(capacity);
    this.deltas = new Float64Array(capacity);
  }

  /** Transitions stored now (≤ capacity). */
  get size(): number {
    return this.stored;
  }

  /** Stores `n` transitions; every state entry but the wide columns must be an integer in [0, 255]. */
  add(states: Int32Array, actions: Int32Array, logRewardDeltas: Float64Array): void {
    const n = actions.length;
    const { stateDim: dim, narrow, wideColumns } = this;
    for (let k = 0; k < n; k++) {
      const slot = this.next;
      for (let c = 0; c < narrow; c++) {
        const v = states[k * dim + c]!;
        if (v < 0 || v > 255)
          throw new Error(`transition replay: state entry ${v} does not fit a byte (this buffer stores states of entries 0..255, such as adjacency matrices)`);
        this.states[slot * narrow + c] = v;
      }
      for (let c = 0; c < wideColumns; c++) this.wide[slot * wideColumns + c] = states[k * dim + narrow + c]!;
      this.actions[slot] = actions[k]!;
      this.deltas[slot] = logRewardDeltas[k]!;
      this.next = (slot + 1) % this.capacity;
      this.stored = Math.min(this.stored + 1, this.capacity);
    }
  }

  /**
   * `n` distinct stored transitions drawn uniformly (all of them, in random order, when fewer
   * are stored), by a partial Fisher–Yates shuffle over a sparse index map: O(n) time and memory.
   */
  sample(n: number, rng: Rng): TransitionBatch {
    const size = this.stored;
    if (size === 0) throw new Error('transition replay: cannot draw from an empty buffer');
    const count = Math.min(n, size);
    const swapped = new Map<number, number>();
    const { stateDim: dim, narrow, wideColumns } = this;
    const states = new Int32Array(count * dim);
    const actions = new Int32Array(count);
    const logRewardDeltas = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      const r = k + rng.int(size - k);
      const pick = swapped.get(r) ?? r;
      swapped.set(r, swapped.get(k) ?? k);
      for (let c = 0; c < narrow; c++) states[k * dim + c] = this.states[pick * narrow + c]!;
      for (let c = 0; c < wideColumns; c++) states[k * dim + narrow + c] = this.wide[pick * wideColumns + c]!;
      actions[k] = this.actions[pick]!;
      logRewardDeltas[k] = this.deltas[pick]!;
    }
    return { count, states, actions, logRewardDeltas };
  }

  /** The stored transitions and the write position (the wide columns only where there are any). */
  saveState(): StateRecord {
    const n = this.stored;
    return {
      next: this.next,
      stored: n,
      states: encodeArray(this.states.subarray(0, n * this.narrow)),
      ...(this.wideColumns > 0 ? { wide: encodeArray(this.wide.subarray(0, n * this.wideColumns)) } : {}),
      actions: encodeArray(this.actions.subarray(0, n)),
      deltas: encodeArray(this.deltas.subarray(0, n)),
    };
  }

  loadState(state: StateRecord): void {
    const stored = field<number>(state, 'stored', 'the transition replay');
    if (!Number.isInteger(stored) || stored < 0 || stored > this.capacity)
      throw new Error(`checkpoint: the transition replay holds ${stored} transitions, capacity here ${this.capacity} (was the config changed?)`);
    const states = decodeArray(field<EncodedArray>(state, 'states', 'the transition replay'), 'uint8', 'transition replay states');
    if (states.length !== stored * this.narrow)
      throw new Error(`checkpoint: transition replay states have ${states.length} entries, expected ${stored} x ${this.narrow}`);
    this.states.fill(0).set(states);
    if (this.wideColumns > 0) {
      const wide = decodeArray(field<EncodedArray>(state, 'wide', 'the transition replay'), 'int32', 'transition replay wide columns');
      if (wide.length !== stored * this.wideColumns)
        throw new Error(`checkpoint: transition replay wide columns have ${wide.length} entries, expected ${stored} x ${this.wideColumns}`);
      this.wide.fill(0).set(wide);
    }
    this.actions.fill(0).set(decodeArray(field<EncodedArray>(state, 'actions', 'the transition replay'), 'int32', 'transition replay actions'));
    this.deltas.fill(0).set(decodeArray(field<EncodedArray>(state, 'deltas', 'the transition replay'), 'float64', 'transition replay deltas'));
    this.stored = stored;
    this.next = field<number>(state, 'next', 'the transition replay');
  }
}
