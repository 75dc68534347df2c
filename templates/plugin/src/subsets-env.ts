import { batchSize, type Enumerable, type Environment } from 'gflownet-ts';

/** Options of {@link SubsetsEnv} (validated by the plugin's schema and `validate`, see index.ts). */
export interface SubsetsOptions {
  /** Number of elements 0 … n − 1. */
  n: number;
  /** Size of the subsets generated. */
  k: number;
}

/**
 * Subsets of k of n elements, built one element at a time. A state is a 0/1 vector of length n
 * (`stateDim = n`); action i adds element i, the last action (index n) is exit, allowed only once k
 * elements are chosen. The backward action i removes element i, so it undoes forward action i.
 * R(x) = exp(Σ_{i ∈ x} w_i) with weights w_i = i / n: subsets of large elements are preferred.
 *
 * Small enough to enumerate (Σ_{j ≤ k} C(n, j) states), so the built-in evaluator reports the exact
 * TV / JSD / log Z error while it trains.
 */
export class SubsetsEnv implements Environment, Enumerable {
  readonly name = 'subsets';
  readonly stateDim: number;
  readonly nActions: number;
  readonly obsDim: number;
  readonly s0: Int32Array;
  /** k additions and the exit. */
  readonly maxTrajectoryLength: number;
  readonly nStates: number;
  private readonly states: Int32Array;
  private readonly index = new Map<string, number>();

  constructor(readonly options: SubsetsOptions) {
    const { n, k } = options;
    this.stateDim = n;
    this.nActions = n + 1;
    this.obsDim = n;
    this.s0 = new Int32Array(n);
    this.maxTrajectoryLength = k + 1;
    // every subset of at most k elements, by size: parents (one element fewer) come first
    const rows: number[][] = [];
    for (let size = 0; size <= k; size++) {
      for (let mask = 0; mask < 2 ** n; mask++) {
        const row = Array.from({ length: n }, (_, i) => (mask >> i) & 1);
        if (row.reduce((a, b) => a + b, 0) === size) rows.push(row);
      }
    }
    this.nStates = rows.length;
    this.states = Int32Array.from(rows.flat());
    rows.forEach((row, i) => this.index.set(row.join(''), i));
  }

  /** Adds element `actions[r]` to row r (never called with exit: the sampler handles it). */
  step(states: Int32Array, actions: Int32Array): Int32Array {
    const { n } = this.options;
    const out = states.slice();
    for (let r = 0; r < actions.length; r++) {
      const i = actions[r]!;
      if (i < 0 || i >= n || out[r * n + i] === 1) throw new Error(`subsets.step: cannot add element ${i} in row ${r}`);
      out[r * n + i] = 1;
    }
    return out;
  }

  /** Removes element `actions[r]` from row r: the inverse of `step` with the same action. */
  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    const { n } = this.options;
    const out = states.slice();
    for (let r = 0; r < actions.length; r++) {
      const i = actions[r]!;
      if (i < 0 || i >= n || out[r * n + i] !== 1) throw new Error(`subsets.backwardStep: element ${i} is not in row ${r}`);
      out[r * n + i] = 0;
    }
    return out;
  }

  /** `batch x (n + 1)`: absent elements while fewer than k are chosen; exit once exactly k are. */
  forwardMask(states: Int32Array): Uint8Array {
    const { n, k } = this.options;
    const rows = batchSize(states, n);
    const mask = new Uint8Array(rows * (n + 1));
    for (let r = 0; r < rows; r++) {
      const size = this.size(states, r);
      for (let i = 0; i < n; i++) mask[r * (n + 1) + i] = size < k && states[r * n + i] === 0 ? 1 : 0;
      mask[r * (n + 1) + n] = size === k ? 1 : 0;
    }
    return mask;
  }

  /** `batch x n` (exit has no backward action): the elements present can be removed. */
  backwardMask(states: Int32Array): Uint8Array {
    return Uint8Array.from(states, (v) => (v === 1 ? 1 : 0));
  }

  /** log R(x) = Σ_{i ∈ x} i / n. Only called on states where exit is allowed (k elements). */
  logReward(states: Int32Array): Float64Array {
    const { n } = this.options;
    const rows = batchSize(states, n);
    return Float64Array.from({ length: rows }, (_, r) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += states[r * n + i]! * (i / n);
      return sum;
    });
  }

  encode(states: Int32Array): Float32Array {
    return Float32Array.from(states);
  }

  isInitial(states: Int32Array): Uint8Array {
    const rows = batchSize(states, this.options.n);
    return Uint8Array.from({ length: rows }, (_, r) => (this.size(states, r) === 0 ? 1 : 0));
  }

  allStates(): Int32Array {
    return this.states.slice();
  }

  stateIndex(states: Int32Array): Int32Array {
    const { n } = this.options;
    return Int32Array.from({ length: batchSize(states, n) }, (_, r) => {
      const i = this.index.get(states.subarray(r * n, r * n + n).join(''));
      if (i === undefined) throw new Error(`subsets.stateIndex: row ${r} is not a subset of at most ${this.options.k} elements`);
      return i;
    });
  }

  /** log Σ_x R(x) over the subsets of exactly k elements. */
  logPartition(): number {
    const logR = this.terminalLogRewards();
    const max = Math.max(...logR.filter((v) => v !== -Infinity));
    return max + Math.log(logR.reduce((z, v) => z + Math.exp(v - max), 0));
  }

  /** R(x)/Z over `allStates()`: 0 for subsets with fewer than k elements (exit not allowed there). */
  trueDistribution(): Float64Array {
    const logZ = this.logPartition();
    return this.terminalLogRewards().map((v) => Math.exp(v - logZ));
  }

  /** log R over `allStates()`, −∞ where exit is not allowed. */
  private terminalLogRewards(): Float64Array {
    const { k } = this.options;
    const logR = this.logReward(this.states);
    return logR.map((v, r) => (this.size(this.states, r) === k ? v : -Infinity));
  }

  private size(states: Int32Array, r: number): number {
    const { n } = this.options;
    let size = 0;
    for (let i = 0; i < n; i++) size += states[r * n + i]!;
    return size;
  }
}
