/**
 * The enumeration of all partial sequences of an "insert anywhere" sequence environment, in
 * parents-before-children order.
 *
 * A state of `ndim` positions over `nbase` symbols (empty = −1) has a *code*: the base-(nbase+1)
 * number whose digits are `s_i + 1` (empty → 0, symbol k → k+1), most significant position first.
 * The order lists states by number of filled positions (every forward action fills exactly one, so
 * parents come first), and by code within a level. Within the last level (full sequences) the code
 * order is the lexicographic order of the symbols, so the full sequence with base-nbase index j is
 * state `nStates − nbase^ndim + j`.
 *
 * Built in O(nStates · ndim) with typed arrays only: TFbind8 has 5^8 = 390,625 states.
 */
export interface StateOrder {
  /** Number of states, (nbase+1)^ndim. */
  readonly nStates: number;
  /** Every state, `nStates x ndim`, in the order described above. */
  readonly states: Int32Array;
  /** rank[code] = index of the state with that code in {@link states}. */
  readonly rank: Int32Array;
  /** levelStart[k] = index of the first state with k filled positions; levelStart[ndim+1] = nStates. */
  readonly levelStart: Int32Array;
}

/** Builds the {@link StateOrder} of sequences of `ndim` positions over `nbase` symbols. */
export function buildStateOrder(ndim: number, nbase: number): StateOrder {
  const radix = nbase + 1;
  const nStates = radix ** ndim;
  // filled[c] = number of non-zero digits of code c; the code without its last digit is floor(c / radix)
  const filled = new Uint8Array(nStates);
  for (let c = 1; c < nStates; c++) filled[c] = filled[Math.floor(c / radix)]! + (c % radix !== 0 ? 1 : 0);
  const levelStart = new Int32Array(ndim + 2);
  for (let c = 0; c < nStates; c++) levelStart[filled[c]! + 1]! += 1;
  for (let k = 1; k <= ndim + 1; k++) levelStart[k]! += levelStart[k - 1]!;
  // counting sort by level, stable in code
  const next = levelStart.slice(0, ndim + 1);
  const rank = new Int32Array(nStates);
  const states = new Int32Array(nStates * ndim);
  for (let c = 0; c < nStates; c++) {
    const r = next[filled[c]!]!++;
    rank[c] = r;
    let rest = c;
    for (let p = ndim - 1; p >= 0; p--) {
      states[r * ndim + p] = (rest % radix) - 1;
      rest = Math.floor(rest / radix);
    }
  }
  return { nStates, states, rank, levelStart };
}
