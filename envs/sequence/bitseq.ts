import { hammingDistance, type WithModeRadius, type WithTerminalDistance, type WithTestSet } from '../../core/env/capabilities.js';
import type { Environment } from '../../core/env/environment.js';
import { Rng } from '../../core/base/rng.js';
import { AppendSequenceEnv } from './append-env.js';
import { bitsToSymbols, distanceToModes, flippedModes, MALKIN_WORDS, symbolsToBits, wordModes } from './bit-modes.js';
import { type RowSequenceReward, SequenceEnv } from './sequence-env.js';

/** Options of {@link createBitSeq}. */
export interface BitSeqOptions {
  /** Sequence length n in bits. */
  ndim: number;
  /** Sharpness: log R(x) = −alpha · (Hamming distance from x to the nearest mode); alpha = β/n gives R = exp(−β·d/n). */
  alpha: number;
  /** `groups`: evenly spaced runs of consecutive integers (n ≤ 30); `words`: concatenations of words of {@link MALKIN_WORDS}. */
  codebook: 'groups' | 'words';
  /** `groups` codebook: number of runs. */
  groups: number;
  /** `groups` codebook: modes per run. */
  modesPerGroup: number;
  /** `words` codebook: number of modes. */
  nModes: number;
  /** Bits per action: each position holds one k-bit word (nbase = 2^k); n must be a multiple of k. */
  wordBits: number;
  /** `insert`: fill any empty position; `append`: fill positions left to right. */
  variant: 'insert' | 'append';
  /** A mode counts as found by a sample within this Hamming distance δ (d ≤ δ; the suite's "d < 30" is δ = 29). */
  modeRadius: number;
  /** Seed of the `words` codebook and of the test set. */
  seed: number;
}

/** Defaults: with n = 8, 64 of the 256 sequences are modes and R falls by e per bit away from them. */
export const BITSEQ_DEFAULTS: BitSeqOptions = {
  ndim: 8,
  alpha: 1,
  codebook: 'groups',
  groups: 4,
  modesPerGroup: 16,
  nModes: 60,
  wordBits: 1,
  variant: 'insert',
  modeRadius: 0,
  seed: 0,
};

/**
 * What a bit-sequence task holds in memory, in bytes: its modes (a bit row each, plus the strings
 * drawn while sampling the words codebook) and its test set (every mode with c = 0 … n−1 bits
 * flipped: count·n rows of n bits, then of n/k symbols as 32-bit integers) — quadratic in n.
 */
export function bitSeqMemoryBytes(options: Pick<BitSeqOptions, 'ndim' | 'codebook' | 'nModes' | 'groups' | 'modesPerGroup' | 'wordBits'>): {
  modes: number;
  testSet: number;
} {
  const { ndim, wordBits } = options;
  const count = options.codebook === 'words' ? options.nModes : options.groups * options.modesPerGroup;
  return { modes: 2 * count * ndim, testSet: count * ndim * (ndim + 4 * (ndim / wordBits)) };
}

/**
 * The `groups` codebook (the paper code's convention): with step = floor((2^n − groups·modesPerGroup) /
 * (groups + 1)), group g ∈ [0, groups) holds the integers (g+1)·step + j for j ∈ [0, modesPerGroup),
 * each read as n bits, most significant first — `groups` evenly spaced runs of consecutive integers.
 * When step < modesPerGroup runs overlap; the codebook lists each integer once, ascending.
 */
export function bitSeqCodebook(ndim: number, groups: number, modesPerGroup: number): Int32Array {
  const size = 2 ** ndim;
  if (groups * modesPerGroup > size) {
    throw new Error(
      `bitseq: groups·modesPerGroup = ${groups}·${modesPerGroup} = ${groups * modesPerGroup} modes do not fit the 2^${ndim} = ${size} sequences; lower groups or modesPerGroup, or raise ndim`,
    );
  }
  const step = Math.floor((size - groups * modesPerGroup) / (groups + 1));
  const modes = new Set<number>();
  for (let g = 0; g < groups; g++) for (let j = 0; j < modesPerGroup; j++) modes.add((g + 1) * step + j);
  return Int32Array.from(modes).sort();
}

/**
 * The bit-sequence task: its modes as bit rows, the reward, the Hamming distance in bits and the
 * test set of Malkin et al. (each mode, and each mode with c = 1 … n−1 random bits flipped), for sequences of
 * n/k symbols over k-bit words.
 */
export class BitSeqTask implements RowSequenceReward {
  readonly positions: number;
  readonly nbase: number;
  /** Modes, `count x n` bits. */
  readonly modeBits: Uint8Array;

  constructor(readonly options: BitSeqOptions) {
    const { ndim, alpha, groups, modesPerGroup, wordBits, nModes, modeRadius } = options;
    const int = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
    if (!int(ndim, 1)) throw new Error(`bitseq: ndim must be an integer >= 1, got ${ndim}`);
    if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new Error(`bitseq: alpha must be a finite number >= 0, got ${alpha}`);
    if (!int(wordBits, 1) || wordBits > 16 || ndim % wordBits !== 0)
      throw new Error(`bitseq: wordBits must be an integer in [1, 16] dividing ndim ${ndim}, got ${wordBits}`);
    if (!(modeRadius >= 0)) throw new Error(`bitseq: modeRadius must be >= 0, got ${modeRadius}`);
    this.positions = ndim / wordBits;
    this.nbase = 2 ** wordBits;
    if (options.codebook === 'words') {
      if (!int(nModes, 1)) throw new Error(`bitseq: nModes must be an integer >= 1, got ${nModes}`);
      this.modeBits = wordModes(ndim, nModes, MALKIN_WORDS, new Rng(options.seed));
    } else {
      if (ndim > 30) throw new Error(`bitseq: the 'groups' codebook numbers sequences as integers and needs ndim <= 30, got ${ndim}; use codebook 'words'`);
      if (!int(groups, 1)) throw new Error(`bitseq: groups must be an integer >= 1, got ${groups}`);
      if (!int(modesPerGroup, 1)) throw new Error(`bitseq: modesPerGroup must be an integer >= 1, got ${modesPerGroup}`);
      const book = bitSeqCodebook(ndim, groups, modesPerGroup);
      this.modeBits = new Uint8Array(book.length * ndim);
      book.forEach((v, m) =>
        this.modeBits.set(
          symbolsToBits(
            Array.from({ length: ndim }, (_, b) => (v >>> (ndim - 1 - b)) & 1),
            1,
          ),
          m * ndim,
        ),
      );
    }
  }

  logRewardOfSequence(sequence: ArrayLike<number>): number {
    const d = distanceToModes(symbolsToBits(sequence, this.options.wordBits), this.modeBits, this.options.ndim);
    // −0 would print oddly; keep modes at exactly 0
    return d === 0 ? 0 : -this.options.alpha * d;
  }

  modeSequences(): Int32Array {
    return bitsToSymbols(this.modeBits, this.options.wordBits);
  }

  /** Hamming distance in bits between two full sequences. */
  distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return hammingDistance(symbolsToBits(a, this.options.wordBits), symbolsToBits(b, this.options.wordBits));
  }

  /** Every mode, then that mode with c = 1 … n−1 random bits flipped: `count·n x positions` symbols (seeded). */
  testSet(): Int32Array {
    return bitsToSymbols(flippedModes(this.modeBits, this.options.ndim, new Rng(this.options.seed ^ 0x7e57)), this.options.wordBits);
  }
}

/** The evaluation capabilities a bit-sequence environment offers. */
export type BitSeqCapabilities = WithTestSet & WithTerminalDistance & WithModeRadius & { readonly task: BitSeqTask };

/** Either variant's environment object gains the task's test set, bit distance and mode radius. */
function withTask<E extends Environment>(env: E, task: BitSeqTask): E & BitSeqCapabilities {
  return Object.assign(env, {
    task,
    testSet: (): Int32Array => task.testSet(),
    terminalDistance: (a: ArrayLike<number>, b: ArrayLike<number>): number => task.distance(a, b),
    modeRadius: (): number => task.options.modeRadius,
  });
}

/**
 * bitseq: synthetic bit sequences, usable without data files, at any length. The default α = 1
 * makes the n = 8 task non-trivial: the modes hold only part of the mass (sequences one bit away
 * still carry R = e^−1), so a sampler must match the whole reward landscape, not just find the
 * modes. With `codebook: 'words'`, `wordBits: k` and alpha = β/n it is the task of Malkin et al.
 * (2022).
 */
export function createBitSeq(options?: Partial<BitSeqOptions> & { variant?: 'insert' }): SequenceEnv & BitSeqCapabilities;
export function createBitSeq(options: Partial<BitSeqOptions>): (SequenceEnv | AppendSequenceEnv) & BitSeqCapabilities;
export function createBitSeq(options: Partial<BitSeqOptions> = {}): (SequenceEnv | AppendSequenceEnv) & BitSeqCapabilities {
  const task = new BitSeqTask({ ...BITSEQ_DEFAULTS, ...options });
  if (task.options.variant === 'append') return withTask(new AppendSequenceEnv('bitseq', task.positions, task.nbase, task), task);
  return withTask(new SequenceEnv({ name: 'bitseq', ndim: task.positions, nbase: task.nbase }, task), task);
}
