/**
 * The objectives of the multi-objective TFbind8 task, each a reward in (0, 1] of a DNA 8-mer
 * (symbols A, C, G, T = 0 … 3), tabulated over every sequence by its base-4 index:
 *
 * - `binding`: the measured binding score y to SIX6, R = max(y, 1e−3) / max_x' max(y', 1e−3) — the
 *   TFbind8 reward with exponent 1 and scaled to 1 at the best sequence (a preference's exponent
 *   sharpens it instead);
 * - `ngram:<motif>`: the occurrences c(x) of a DNA motif (overlapping, e.g. `ngram:GC`), the objective
 *   of MOGFN-PC's N-grams task (Jain et al., ICML 2023), as R = (c + 1)/(c_max + 1), with c_max the
 *   most occurrences any sequence of the length has: the + 1 keeps a sequence without the motif
 *   positive, so its log (and a preference's weighted geometric mean) stays finite.
 */

/** The DNA alphabet, in the order of TFbind8's symbols. */
export const DNA_LETTERS = 'ACGT';

/** The prefix of an n-gram objective's name. */
export const NGRAM_PREFIX = 'ngram:';

/** Why `name` is not an objective of a DNA sequence of length `ndim`, or undefined when it is one. */
export function dnaObjectiveProblem(name: string, ndim: number): string | undefined {
  if (name === 'binding') return undefined;
  const motif = name.startsWith(NGRAM_PREFIX) ? name.slice(NGRAM_PREFIX.length) : undefined;
  if (motif !== undefined && motif.length >= 1 && motif.length <= ndim && [...motif].every((c) => DNA_LETTERS.includes(c))) return undefined;
  return `must be "binding" or "${NGRAM_PREFIX}" followed by 1 to ${ndim} of the letters ${[...DNA_LETTERS].join(', ')} (e.g. "${NGRAM_PREFIX}GC")`;
}

/** The symbols of an n-gram objective's motif (`ngram:GC` → [2, 1]). */
export function motifSymbols(name: string): number[] {
  return [...name.slice(NGRAM_PREFIX.length)].map((c) => DNA_LETTERS.indexOf(c));
}

/** The occurrences of `motif` in `sequence`, overlapping ones included (`AAA` holds `AA` twice). */
export function countOccurrences(sequence: ArrayLike<number>, motif: readonly number[]): number {
  let count = 0;
  for (let start = 0; start + motif.length <= sequence.length; start++) {
    let match = true;
    for (let j = 0; j < motif.length && match; j++) match = sequence[start + j] === motif[j];
    if (match) count++;
  }
  return count;
}

/** log R of `binding` for every sequence: log max(y, 1e−3) − max_x' log max(y', 1e−3). */
export function bindingLogRewards(scores: Float32Array): Float64Array {
  const out = Float64Array.from(scores, (y) => Math.log(Math.max(y, 1e-3)));
  let max = -Infinity;
  for (const v of out) if (v > max) max = v;
  return out.map((v) => v - max);
}

/** log R of an n-gram objective for every sequence of `ndim` symbols of `nbase`, by base-nbase index: log((c + 1)/(c_max + 1)). */
export function ngramLogRewards(motif: readonly number[], ndim: number, nbase: number): Float64Array {
  const n = nbase ** ndim;
  const counts = new Int32Array(n);
  const sequence = new Int32Array(ndim);
  let max = 0;
  for (let index = 0; index < n; index++) {
    // the base-nbase digits of the index, most significant position first
    for (let p = ndim - 1, rest = index; p >= 0; p--, rest = Math.floor(rest / nbase)) sequence[p] = rest % nbase;
    counts[index] = countOccurrences(sequence, motif);
    if (counts[index]! > max) max = counts[index]!;
  }
  return Float64Array.from(counts, (c) => Math.log((c + 1) / (max + 1)));
}
