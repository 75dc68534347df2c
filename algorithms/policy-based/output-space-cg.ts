/**
 * Conjugate gradients for (F + λI) s = g in output space, for F = Jᵀ D J and g = Jᵀ q with J the
 * Jacobian of the policy's logits at the batch's distinct states and D block-diagonal per state,
 * D_s = count_s (diag p_s − p_s p_sᵀ) / N.
 *
 * Every CG vector lies in range(Jᵀ): b = Jᵀ q, and F·Jᵀπ = Jᵀ(D K π) with K = J Jᵀ. Only a
 * subspace of logit space is needed: q_s sums to zero over the state's allowed actions (q_s =
 * Σ_m A_m (e_{a_m} − p_s) / N over the rows m at s, and p_s sums to 1 there and is 0 elsewhere),
 * D_s maps into that subspace and ignores constants. So the vectors are written Jᵀ B π with B_s the
 * A_s x (A_s − 1) matrix of columns e_a − e_ref (ref: the state's last allowed action) and π one
 * coordinate per row (s, a ≠ ref). With K̃ = Bᵀ K B (the R x R Gram matrix of the rows
 * J_{s,a} − J_{s,ref}, computed by `OutputGram.matrix` with seeds e_a − e_ref, `rowGram`):
 *   x = Jᵀ B u, r = Jᵀ B ρ, p = Jᵀ B π;
 *   (F + λI) p = Jᵀ B σ with σ = (D_s applied to (K̃ π) extended by 0 at ref)[a ≠ ref] + λ π
 *     (D_s is blind to constants, and Bᵀ y is y − y_ref, so the 0 at ref is exact);
 *   r·r = ρᵀ K̃ ρ and p·(F + λI)p = (K̃ π)·σ.
 * All of this is float64 host arithmetic on R-vectors; one VJP maps the solution back
 * (`expandRows`). Same iterates, stopping rules and numbers (up to rounding) as
 * `conjugateGradient` on the parameter-space products.
 */
import { dot } from './conjugate-gradient.js';

/** The allowed (distinct state, action) pairs other than each state's reference action. */
export interface OutputRows {
  count: number;
  /** Distinct-state index and action of every row; rows are grouped by state, in state order. */
  state: Int32Array;
  action: Int32Array;
  /** Rows of state s are start[s] … start[s + 1] − 1. */
  start: Int32Array;
  /** Each state's reference action (its last allowed one; −1 when none is allowed). */
  reference: Int32Array;
  /**
   * The block layout of `OutputGram.matrix`: the j-th row of state s sits at slot j·nStates + s of
   * `blocks` blocks (the most rows any state has); slots without a row get zero seeds.
   */
  blocks: number;
  slot: Int32Array;
}

/** The rows for the given forward masks (nStates x nA). */
export function outputRows(mask: Uint8Array, nA: number): OutputRows {
  const nStates = mask.length / nA;
  const reference = new Int32Array(nStates).fill(-1);
  let count = 0;
  for (let s = 0; s < nStates; s++) {
    for (let a = 0; a < nA; a++) {
      if (!mask[s * nA + a]) continue;
      if (reference[s]! >= 0) count++;
      reference[s] = a;
    }
  }
  const state = new Int32Array(count);
  const action = new Int32Array(count);
  const start = new Int32Array(nStates + 1);
  const slot = new Int32Array(count);
  let blocks = 0;
  let r = 0;
  for (let s = 0; s < nStates; s++) {
    start[s] = r;
    for (let a = 0; a < nA; a++) {
      if (mask[s * nA + a] && a !== reference[s]) {
        slot[r] = (r - start[s]!) * nStates + s;
        state[r] = s;
        action[r++] = a;
      }
    }
    blocks = Math.max(blocks, r - start[s]!);
  }
  start[nStates] = r;
  return { count, state, action, start, reference, blocks, slot };
}

/** Seeds e_a − e_ref of every row at its slot (blocks·nStates x nA, row-major), for `OutputGram.matrix`. */
export function rowSeeds(rows: OutputRows, nA: number): Float32Array {
  const seeds = new Float32Array(rows.blocks * rows.reference.length * nA);
  for (let r = 0; r < rows.count; r++) {
    seeds[rows.slot[r]! * nA + rows.action[r]!] = 1;
    seeds[rows.slot[r]! * nA + rows.reference[rows.state[r]!]!] = -1;
  }
  return seeds;
}

/** K̃ (R x R) from the block-layout Gram matrix of `OutputGram.matrix`. */
export function rowGram(rows: OutputRows, blockGram: Float64Array): Float64Array {
  const R = rows.count;
  const n = rows.blocks * rows.reference.length;
  const out = new Float64Array(R * R);
  for (let r = 0; r < R; r++) {
    const from = rows.slot[r]! * n;
    for (let t = 0; t < R; t++) out[r * R + t] = blockGram[from + rows.slot[t]!]!;
  }
  return out;
}

/** Row coordinates of a logit-space vector (nStates x nA) that sums to zero over each state's allowed actions. */
export function restrictToRows(rows: OutputRows, y: ArrayLike<number>, nA: number): Float64Array {
  return Float64Array.from(rows.action, (a, r) => y[rows.state[r]! * nA + a]!);
}

/** B u: the logit-space vector (nStates x nA, float32) of row coordinates u (the reference gets −Σ). */
export function expandRows(rows: OutputRows, u: ArrayLike<number>, nA: number): Float32Array {
  const nStates = rows.reference.length;
  const out = new Float32Array(nStates * nA);
  for (let s = 0; s < nStates; s++) {
    let total = 0;
    for (let r = rows.start[s]!; r < rows.start[s + 1]!; r++) {
      out[s * nA + rows.action[r]!] = u[r]!;
      total += u[r]!;
    }
    if (rows.start[s + 1]! > rows.start[s]!) out[s * nA + rows.reference[s]!] = -total;
  }
  return out;
}

/** K v for a symmetric R x R matrix K (row-major, float64). */
export function gramTimes(gram: Float64Array, v: Float64Array): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += gram[row + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** The Fisher blocks: probabilities per state (nStates x nA) and count_s / N per state. */
export interface FisherBlocks {
  probs: Float64Array;
  weights: Float64Array;
}

/**
 * CG for (F + λI) x = Jᵀ B b from x = 0 in row coordinates: returns u with x = Jᵀ B u.
 * `gram` is K̃ (R x R, float64), `b` the right-hand side's row coordinates.
 */
export function outputSpaceConjugateGradient(
  gram: Float64Array,
  rows: OutputRows,
  blocks: FisherBlocks,
  nA: number,
  b: Float64Array,
  damping: number,
  iterations: number,
  tolerance: number,
): Float64Array {
  const n = rows.count;
  const u = new Float64Array(n);
  const rho = Float64Array.from(b);
  const pi = Float64Array.from(b);
  // K̃ρ and K̃π are carried along (K̃ρ updated like ρ), so each iteration needs one product, K̃σ
  const kRho = gramTimes(gram, rho);
  const kPi = Float64Array.from(kRho);
  const sigma = new Float64Array(n);
  let rr = dot(rho, kRho);
  for (let i = 0; i < iterations && rr > tolerance; i++) {
    applyFisherBlocks(rows, blocks, nA, kPi, sigma);
    for (let r = 0; r < n; r++) sigma[r]! += damping * pi[r]!;
    const pAp = dot(kPi, sigma);
    if (!(pAp > 0)) break; // direction of zero (or negative) curvature: nothing more to gain
    const alpha = rr / pAp;
    const kSigma = gramTimes(gram, sigma);
    for (let r = 0; r < n; r++) {
      u[r]! += alpha * pi[r]!;
      rho[r]! -= alpha * sigma[r]!;
      kRho[r]! -= alpha * kSigma[r]!;
    }
    const rrNew = dot(rho, kRho);
    if (rrNew < tolerance) break;
    const beta = rrNew / rr;
    for (let r = 0; r < n; r++) {
      pi[r] = rho[r]! + beta * pi[r]!;
      kPi[r] = kRho[r]! + beta * kPi[r]!;
    }
    rr = rrNew;
  }
  return u;
}

/** out = (D_s ŷ_s)[a ≠ ref] per state, with ŷ_s the row values y at the state's rows and 0 at its reference. */
function applyFisherBlocks(rows: OutputRows, blocks: FisherBlocks, nA: number, y: Float64Array, out: Float64Array): void {
  const { probs, weights } = blocks;
  const nStates = rows.reference.length;
  for (let s = 0; s < nStates; s++) {
    const [from, to] = [rows.start[s]!, rows.start[s + 1]!];
    let py = 0;
    for (let r = from; r < to; r++) py += probs[s * nA + rows.action[r]!]! * y[r]!;
    for (let r = from; r < to; r++) out[r] = weights[s]! * probs[s * nA + rows.action[r]!]! * (y[r]! - py);
  }
}
