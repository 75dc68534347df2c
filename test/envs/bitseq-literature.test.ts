import { describe, expect, it } from 'vitest';
import { hasModes } from '../../core/env/environment.js';
import { modeCriterionOf } from '../../core/evaluation/mode-criterion.js';
import { createBitSeq } from '../../envs/sequence/bitseq.js';
import { MALKIN_WORDS, symbolsToBits } from '../../envs/sequence/bit-modes.js';

/**
 * The bit-sequence task of the cross-library suite, checked by brute force on n = 8: every one of
 * the 2^8 sequences, against min-Hamming-distance computed here on plain integers.
 */

const N = 8;
const popcount = (v: number): number => {
  let c = 0;
  for (let x = v; x > 0; x >>= 1) c += x & 1;
  return c;
};
/** A sequence of n bits as an integer, most significant bit first. */
const bitsToInt = (bits: ArrayLike<number>): number => Array.from(bits).reduce((v, b) => (v << 1) | b, 0);
/** The symbols of integer v (n bits) over k-bit words, most significant word first. */
const intToSymbols = (v: number, k: number): number[] => Array.from({ length: N / k }, (_, p) => (v >> (N - k * (p + 1))) & ((1 << k) - 1));

describe.each([
  { wordBits: 4, variant: 'insert' as const },
  { wordBits: 8, variant: 'insert' as const },
  { wordBits: 4, variant: 'append' as const },
])('bitseq n = 8, k = $wordBits, $variant: reward, test set and modes by brute force', ({ wordBits, variant }) => {
  const alpha = 3 / N;
  const nModes = 3;
  const radius = 2;
  const env = createBitSeq({ ndim: N, codebook: 'words', nModes, wordBits, variant, alpha, modeRadius: radius, seed: 5 });
  if (!hasModes(env)) throw new Error('bitseq lists its modes');
  const modeInts = Array.from({ length: nModes }, (_, m) =>
    bitsToInt(symbolsToBits(env.modeStates().subarray((m * N) / wordBits, ((m + 1) * N) / wordBits), wordBits)),
  );
  const all = new Int32Array(256 * (N / wordBits));
  for (let v = 0; v < 256; v++) all.set(intToSymbols(v, wordBits), (v * N) / wordBits);
  const minDistance = (v: number): number => Math.min(...modeInts.map((m) => popcount(v ^ m)));

  it('the modes are distinct words of the word set H', () => {
    expect(new Set(modeInts).size).toBe(nModes);
    const words = MALKIN_WORDS.map((w) => parseInt(w, 2));
    for (const m of modeInts) expect(words).toContain(m);
  });

  it('log R(x) = −β·min_m d_H(x, m)/n for all 2^8 sequences', () => {
    const logR = env.logReward(all);
    for (let v = 0; v < 256; v++) expect(logR[v]).toBeCloseTo((-3 * minDistance(v)) / N, 12);
    // the reward is maximal exactly at the modes
    for (let v = 0; v < 256; v++) expect(logR[v] === 0).toBe(modeInts.includes(v));
  });

  it('the test set: each mode once, then each c = 1 … n−1 once per mode with exactly c bits flipped; seeded', () => {
    const test = env.testSet();
    const per = N / wordBits;
    expect(test.length).toBe(nModes * N * per);
    const rows = Array.from({ length: nModes * N }, (_, r) => bitsToInt(symbolsToBits(test.subarray(r * per, r * per + per), wordBits)));
    for (let m = 0; m < nModes; m++) {
      expect(rows[m * N]).toBe(modeInts[m]);
      const distances = Array.from({ length: N }, (_, c) => popcount(rows[m * N + c]! ^ modeInts[m]!));
      expect(distances).toEqual(Array.from({ length: N }, (_, c) => c));
    }
    // seeded: the same seed gives the same rows
    expect(createBitSeq({ ndim: N, codebook: 'words', nModes, wordBits, variant, alpha, modeRadius: radius, seed: 5 }).testSet()).toEqual(test);
  });

  it('the mode criterion: a sequence reaches mode m exactly when d_H(x, m) ≤ modeRadius', () => {
    const criterion = modeCriterionOf(env);
    if (!criterion) throw new Error('bitseq defines modes');
    expect(criterion.total).toBe(nModes);
    const reached = criterion.reached(all, env.logReward(all));
    for (let v = 0; v < 256; v++) {
      const expected = modeInts.flatMap((m, k) => (popcount(v ^ m) <= radius ? [String(k)] : []));
      expect(reached[v]).toEqual(expected);
    }
    // the boundary: at distance radius + 1 from every mode nothing is reached
    const far = Array.from({ length: 256 }, (_, v) => v).filter((v) => minDistance(v) === radius + 1);
    expect(far.length).toBeGreaterThan(0);
    for (const v of far) expect(reached[v]).toEqual([]);
  });
});

describe('bitseq at the suite scale', () => {
  it('n = 120, 60 modes: 7,200 test rows, the suite\'s "d < 30" criterion as modeRadius 29', () => {
    const env = createBitSeq({ ndim: 120, codebook: 'words', nModes: 60, wordBits: 8, alpha: 3 / 120, modeRadius: 29, seed: 0 });
    const test = env.testSet();
    expect(test.length / env.stateDim).toBe(7200);
    const criterion = modeCriterionOf(env)!;
    const modes = env.modeStates();
    // rows c = 29 and c = 30 of mode 0: within and just outside the radius of that mode
    const row = (c: number): Int32Array => test.subarray(c * 15, c * 15 + 15);
    expect(env.terminalDistance(row(29), modes.subarray(0, 15))).toBe(29);
    expect(criterion.reached(row(29), [0])[0]).toContain('0');
    expect(env.terminalDistance(row(30), modes.subarray(0, 15))).toBe(30);
    expect(criterion.reached(row(30), [0])[0]).not.toContain('0');
  });
});
