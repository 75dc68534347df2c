/**
 * A replay of terminal sequences with their rewards, indexed so that "the mean reward of replayed
 * sequences that agree with a partial sequence on every filled position" is one table look-up.
 *
 * A partial sequence p (−1 = empty) has the code Σ_i (p_i + 1)·(nbase+1)^(ndim−1−i). Inserting a
 * full sequence x adds its reward to the 2^ndim patterns obtained by emptying any subset of its
 * positions (each code built from the previous subset's by adding one position's term), so a
 * query never scans the replay. With more than `MAX_INDEXED_DIM` positions the 2^ndim subsets are
 * too many; queries then scan the replay instead (documented cost: O(size · ndim)). The same
 * happens when a sparse index could hold more than `MAX_SPARSE_ENTRIES` patterns (capacity·2^ndim)
 * or when codes would pass 2^53 (exact integers in a double): memory stays bounded by constants,
 * never by the number of states.
 */
export const MAX_INDEXED_DIM = 16;
/** Dense tables up to this many pattern codes (12 MiB); a Map beyond. */
const MAX_DENSE_CODES = 1 << 20;
/** Most patterns a sparse index may come to hold. */
const MAX_SPARSE_ENTRIES = 1 << 24;

export class ReplayPatternIndex {
  private readonly sequences: Int32Array;
  private readonly rewards: Float64Array;
  private size = 0;
  private next = 0;
  private readonly weights: number[];
  private readonly indexed: boolean;
  private readonly denseSum?: Float64Array;
  private readonly denseCount?: Int32Array;
  private readonly sparse = new Map<number, { sum: number; count: number }>();

  constructor(
    readonly ndim: number,
    readonly nbase: number,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`replay capacity must be a positive integer, got ${capacity}`);
    this.sequences = new Int32Array(capacity * ndim);
    this.rewards = new Float64Array(capacity);
    this.weights = Array.from({ length: ndim }, (_, i) => (nbase + 1) ** (ndim - 1 - i));
    const codes = (nbase + 1) ** ndim;
    const dense = codes <= MAX_DENSE_CODES;
    this.indexed = ndim <= MAX_INDEXED_DIM && codes <= Number.MAX_SAFE_INTEGER && (dense || capacity * 2 ** ndim <= MAX_SPARSE_ENTRIES);
    if (this.indexed && dense) {
      this.denseSum = new Float64Array(codes);
      this.denseCount = new Int32Array(codes);
    }
  }

  /** Number of sequences held. */
  get length(): number {
    return this.size;
  }

  /** Adds full sequences (rows of `sequences`) with their rewards R (not log R); the oldest are evicted past capacity. */
  add(sequences: Int32Array, rewards: ArrayLike<number>): void {
    const n = sequences.length / this.ndim;
    for (let r = 0; r < n; r++) {
      const row = sequences.subarray(r * this.ndim, (r + 1) * this.ndim);
      for (const v of row) if (v < 0 || v >= this.nbase) throw new Error(`replay: sequence ${r} is not full (value ${v})`);
      if (this.size === this.capacity) this.update(this.sequences.subarray(this.next * this.ndim, (this.next + 1) * this.ndim), -this.rewards[this.next]!, -1);
      this.sequences.set(row, this.next * this.ndim);
      this.rewards[this.next] = rewards[r]!;
      this.update(row, rewards[r]!, 1);
      this.next = (this.next + 1) % this.capacity;
      this.size = Math.min(this.size + 1, this.capacity);
    }
  }

  /** Mean reward of the replayed sequences that agree with `partial` on its filled positions (0 if none). */
  meanReward(partial: ArrayLike<number>): number {
    if (!this.indexed) return this.scan(partial);
    const code = this.code(partial);
    if (this.denseSum) {
      const c = this.denseCount![code]!;
      return c > 0 ? this.denseSum[code]! / c : 0;
    }
    const e = this.sparse.get(code);
    return e && e.count > 0 ? e.sum / e.count : 0;
  }

  private code(partial: ArrayLike<number>): number {
    let code = 0;
    for (let i = 0; i < this.ndim; i++) code += (partial[i]! + 1) * this.weights[i]!;
    return code;
  }

  /** Adds (sign +1) or removes (−1) a sequence's reward from all its sub-patterns. */
  private update(x: Int32Array, reward: number, sign: 1 | -1): void {
    if (!this.indexed) return;
    const terms = Array.from(x, (v, i) => (v + 1) * this.weights[i]!);
    const codes = new Float64Array(1 << this.ndim);
    for (let m = 1; m < codes.length; m++) {
      const low = 31 - Math.clz32(m & -m);
      codes[m] = codes[m & (m - 1)]! + terms[low]!;
    }
    for (const code of codes) {
      if (this.denseSum) {
        this.denseSum[code]! += reward;
        this.denseCount![code]! += sign;
      } else {
        const e = this.sparse.get(code) ?? { sum: 0, count: 0 };
        e.sum += reward;
        e.count += sign;
        if (e.count === 0) this.sparse.delete(code);
        else this.sparse.set(code, e);
      }
    }
  }

  private scan(partial: ArrayLike<number>): number {
    let sum = 0;
    let count = 0;
    for (let k = 0; k < this.size; k++) {
      let match = true;
      for (let i = 0; i < this.ndim && match; i++) {
        const p = partial[i]!;
        if (p >= 0 && this.sequences[k * this.ndim + i] !== p) match = false;
      }
      if (match) {
        sum += this.rewards[k]!;
        count++;
      }
    }
    return count > 0 ? sum / count : 0;
  }
}
