import { SequenceEnv, type SequenceReward } from './sequence-env.js';

/** Options of {@link createBitSeq}. */
export interface BitSeqOptions {
  /** Sequence length n (bits). */
  ndim: number;
  /** Sharpness: log R(x) = −alpha · (Hamming distance from x to the nearest mode). */
  alpha: number;
  /** Number of groups of consecutive mode integers in the codebook. */
  groups: number;
  /** Modes per group. */
  modesPerGroup: number;
}

/** Defaults: with n = 8, 64 of the 256 sequences are modes and R falls by e per bit away from them. */
export const BITSEQ_DEFAULTS: BitSeqOptions = { ndim: 8, alpha: 1, groups: 4, modesPerGroup: 16 };

/**
 * The mode codebook (the paper code's convention): with step = floor((2^n − groups·modesPerGroup) /
 * (groups + 1)), group g ∈ [0, groups) holds the integers (g+1)·step + j for j ∈ [0, modesPerGroup),
 * each read as n bits, most significant first — `groups` evenly spaced runs of consecutive integers.
 * When step < modesPerGroup runs overlap; the codebook lists each integer once, ascending.
 */
export function bitSeqCodebook(ndim: number, groups: number, modesPerGroup: number): Int32Array {
  const size = 2 ** ndim;
  if (groups * modesPerGroup > size) {
    throw new Error(`bitseq: groups·modesPerGroup = ${groups}·${modesPerGroup} = ${groups * modesPerGroup} modes do not fit the 2^${ndim} = ${size} sequences; lower groups or modesPerGroup, or raise ndim`);
  }
  const step = Math.floor((size - groups * modesPerGroup) / (groups + 1));
  const modes = new Set<number>();
  for (let g = 0; g < groups; g++) for (let j = 0; j < modesPerGroup; j++) modes.add((g + 1) * step + j);
  return Int32Array.from(modes).sort();
}

/** Number of set bits of a non-negative 32-bit integer. */
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** bitseq's reward: log R(x) = −alpha · min over modes m of Hamming(x, m); modes have log R = 0. */
export class BitSeqReward implements SequenceReward {
  private readonly codebook: Int32Array;

  constructor(readonly options: BitSeqOptions) {
    const { ndim, alpha, groups, modesPerGroup } = options;
    if (!Number.isInteger(ndim) || ndim < 1 || ndim > 30) throw new Error(`bitseq: ndim must be an integer in [1, 30], got ${ndim}`);
    if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new Error(`bitseq: alpha must be a finite number >= 0, got ${alpha}`);
    if (!Number.isInteger(groups) || groups < 1) throw new Error(`bitseq: groups must be an integer >= 1, got ${groups}`);
    if (!Number.isInteger(modesPerGroup) || modesPerGroup < 1) throw new Error(`bitseq: modesPerGroup must be an integer >= 1, got ${modesPerGroup}`);
    this.codebook = bitSeqCodebook(ndim, groups, modesPerGroup);
  }

  /** Hamming distance from the sequence with this index to the nearest mode. */
  distanceToModes(index: number): number {
    let best = Infinity;
    for (let k = 0; k < this.codebook.length && best > 0; k++) best = Math.min(best, popcount(index ^ this.codebook[k]!));
    return best;
  }

  logRewardOfIndex(index: number): number {
    // −0 would print oddly and compare equal anyway; keep modes at exactly 0
    const d = this.distanceToModes(index);
    return d === 0 ? 0 : -this.options.alpha * d;
  }

  modeIndices(): Int32Array {
    return this.codebook.slice();
  }
}

/**
 * bitseq: synthetic bit sequences (nbase 2), usable without data files. The default α = 1 makes the
 * n = 8 task non-trivial: the modes hold only part of the mass (sequences one bit away still carry
 * R = e^−1), so a sampler must match the whole reward landscape, not just find the modes.
 */
export function createBitSeq(options: Partial<BitSeqOptions> = {}): SequenceEnv {
  const full = { ...BITSEQ_DEFAULTS, ...options };
  return new SequenceEnv({ name: 'bitseq', ndim: full.ndim, nbase: 2 }, new BitSeqReward(full));
}
