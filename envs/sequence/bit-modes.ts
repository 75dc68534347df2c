import type { Rng } from '../../core/base/rng.js';

/**
 * Mode sets and distances of the bit-sequence tasks, on bit rows (one 0/1 entry per bit), so that
 * they hold at any length n. A sequence of symbols over k-bit words (nbase = 2^k) reads as n bits,
 * each symbol most significant bit first.
 */

/** The word set H of Malkin et al. (2022): modes concatenate n/8 words drawn from it. */
export const MALKIN_WORDS = ['00000000', '11111111', '11110000', '00001111', '00111100'] as const;

/** The bits of symbol rows (`rows x positions`, symbols in [0, 2^wordBits)) as `rows x (positions·wordBits)`. */
export function symbolsToBits(symbols: ArrayLike<number>, wordBits: number): Uint8Array {
  const out = new Uint8Array(symbols.length * wordBits);
  for (let p = 0; p < symbols.length; p++) {
    const v = symbols[p]!;
    for (let b = 0; b < wordBits; b++) out[p * wordBits + b] = (v >> (wordBits - 1 - b)) & 1;
  }
  return out;
}

/** Symbol rows from bit rows (the inverse of {@link symbolsToBits}). */
export function bitsToSymbols(bits: ArrayLike<number>, wordBits: number): Int32Array {
  const out = new Int32Array(bits.length / wordBits);
  for (let p = 0; p < out.length; p++) {
    let v = 0;
    for (let b = 0; b < wordBits; b++) v = (v << 1) | bits[p * wordBits + b]!;
    out[p] = v;
  }
  return out;
}

/**
 * `count` modes of n bits, each the concatenation of n/word-length words drawn uniformly from
 * `words` (seeded); repeats are redrawn, so the modes are distinct.
 */
export function wordModes(n: number, count: number, words: readonly string[], rng: Rng): Uint8Array {
  const w = words[0]!.length;
  if (words.some((x) => x.length !== w || !/^[01]+$/.test(x))) throw new Error(`bitseq: words must be bit strings of one length, got ${JSON.stringify(words)}`);
  if (n % w !== 0) throw new Error(`bitseq: ndim ${n} is not a multiple of the codebook word length ${w}`);
  const possible = words.length ** (n / w);
  if (count > possible) throw new Error(`bitseq: ${count} distinct modes requested, only ${possible} concatenations of ${n / w} words exist`);
  const seen = new Set<string>();
  const out = new Uint8Array(count * n);
  while (seen.size < count) {
    let s = '';
    for (let j = 0; j < n / w; j++) s += words[rng.int(words.length)]!;
    if (seen.has(s)) continue;
    for (let b = 0; b < n; b++) out[seen.size * n + b] = s.charCodeAt(b) - 48;
    seen.add(s);
  }
  return out;
}

/** min over modes of the Hamming distance from `bits` (n long) to each mode row. */
export function distanceToModes(bits: ArrayLike<number>, modes: Uint8Array, n: number): number {
  let best = Infinity;
  for (let m = 0; m * n < modes.length && best > 0; m++) {
    let d = 0;
    for (let i = 0; i < n && d < best; i++) if (bits[i] !== modes[m * n + i]) d++;
    best = Math.min(best, d);
  }
  return best;
}

/**
 * The test set of the cross-library bit-sequence suite (after Malkin et al., 2022): for each mode,
 * the mode itself, then for each c = 1 … n−1 the mode with c distinct random bits flipped (seeded)
 * — `count·n` rows whose rewards spread over every distance from the modes (n = 120, 60 modes:
 * 7,200 rows). Row m·n is mode m; row m·n + c differs from it in exactly c bits.
 */
export function flippedModes(modes: Uint8Array, n: number, rng: Rng): Uint8Array {
  const count = modes.length / n;
  const out = new Uint8Array(count * n * n);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let r = 0;
  for (let m = 0; m < count; m++) {
    // c = 0: the mode itself, so that the top of the reward scale is in the test set too
    for (let c = 0; c < n; c++, r++) {
      out.set(modes.subarray(m * n, m * n + n), r * n);
      // a partial Fisher–Yates shuffle picks c distinct positions
      for (let i = 0; i < c; i++) {
        const j = i + rng.int(n - i);
        [order[i], order[j]] = [order[j]!, order[i]!];
        out[r * n + order[i]!]! ^= 1;
      }
    }
  }
  return out;
}
