import type { WithKnownLogPartition, WithModeThreshold, WithTestSet } from '../../core/env/capabilities.js';
import { type FileAccess, tableOf } from '../../core/base/file-access.js';
import { Rng } from '../../core/base/rng.js';
import type { TreeEnsembleProxy } from './seh-proxy.js';
import { SequenceEnv, type SequenceReward } from './sequence-env.js';
import { loadSehProxy, SEHSTR_MODE_REWARD, SEHSTR_TABLE_KEY, sehLogReward, sehPredictionTable } from './sehstr-proxy-data.js';

/** Options of {@link createSehStr}. */
export interface SehStrOptions {
  /** β in R = max(pred, 1e−3)^β · 10 / max; the papers use 6. */
  exponent: number;
  /** Test-set strings drawn from R/Z, and as many drawn uniformly (seeded). */
  testPerSource: number;
  /** Where the shipped proxy and the cached prediction table are read. */
  files: FileAccess;
}

/** log Z of the β = 6 task over all 18^6 strings (the data README; a test recomputes it). */
const LOG_Z_EXPONENT_6 = 17.552393997235;
/** Strings whose R (β = 6) reaches {@link SEHSTR_MODE_REWARD}: the top 0.1%. */
const MODE_COUNT = 34_013;
/** Seed of the test set's draws: fixed, so every run and every evaluation sees the same strings. */
const TEST_SET_SEED = 0x5e4;

/**
 * The sEH reward over strings (by index) from the boosted-tree proxy: one walk of the 100 trees per
 * string; nothing proportional to the 34M strings unless the full table is asked for (exact log Z
 * for β ≠ 6, the mode list, the test set's draws from R/Z), which comes through the host's table
 * cache.
 */
export class SehStrReward implements SequenceReward {
  readonly proxy: TreeEnsembleProxy;
  private modes?: Int32Array;
  private logZ?: number;

  constructor(private readonly options: SehStrOptions) {
    if (!(options.exponent > 0) || !Number.isFinite(options.exponent)) throw new Error(`sehstr: exponent must be a positive number, got ${options.exponent}`);
    this.proxy = loadSehProxy(options.files);
  }

  logRewardOfIndex(index: number): number {
    return sehLogReward(this.proxy.predictIndex(index), this.options.exponent);
  }

  /**
   * log R at the mode cut for this β: R is monotone in the prediction, so the modes are the same
   * strings for every β; the cut maps as log R_β = β/6·(log R_6 − log 10) + log 10. The 1e−12
   * keeps the string exactly at the cut on the right side of float rounding (the next string
   * below is ~1e−6 away).
   */
  modeLogRewardThreshold(): number {
    return (this.options.exponent / 6) * (Math.log(SEHSTR_MODE_REWARD) - Math.log(10)) + Math.log(10) - 1e-12;
  }

  /** Indices of the 34,013 mode strings (computed from the full table, once). */
  modeIndices(): Int32Array {
    if (!this.modes) {
      const table = this.table();
      const cut = this.modeLogRewardThreshold();
      const out: number[] = [];
      for (let i = 0; i < table.length; i++) if (sehLogReward(table[i]!, this.options.exponent) >= cut) out.push(i);
      this.modes = Int32Array.from(out);
    }
    return this.modes.slice();
  }

  /** log Z: the README's value for β = 6, else summed over the full table (once). */
  logPartition(): number {
    return this.logPartitionOver(() => this.table());
  }

  /** {@link logPartition}, asking `source` for the table only when it must be summed: a caller holding it passes it, not loading it twice. */
  private logPartitionOver(source: () => Float64Array): number {
    if (this.options.exponent === 6) return LOG_Z_EXPONENT_6;
    if (this.logZ === undefined) {
      const table = source();
      let max = -Infinity;
      for (let i = 0; i < table.length; i++) max = Math.max(max, sehLogReward(table[i]!, this.options.exponent));
      let z = 0;
      for (let i = 0; i < table.length; i++) z += Math.exp(sehLogReward(table[i]!, this.options.exponent) - max);
      this.logZ = max + Math.log(z);
    }
    return this.logZ;
  }

  /**
   * `testPerSource` strings drawn from R/Z (one pass over the table with sorted uniforms) followed by
   * as many uniform strings, as indices; the same on every call. Kept in the host's table cache
   * beside the prediction table: a run whose test set is cached never loads the 272 MB table (its
   * load and the draw's 34M exponentials took seconds before the first evaluation, unreported).
   */
  testIndices(): Int32Array {
    const k = this.options.testPerSource;
    const drawn = tableOf(this.options.files, {
      key: `${SEHSTR_TABLE_KEY}-test-beta${this.options.exponent}-n${k}-seed${TEST_SET_SEED}-v1`,
      length: 2 * k,
      description: 'the sEH test set (draws from R/Z over the 34M strings)',
      compute: (onProgress) => Float64Array.from(this.drawTestIndices(onProgress)),
    });
    return Int32Array.from(drawn);
  }

  /** {@link testIndices} drawn now, from the full table (loaded or built through the host's cache). */
  private drawTestIndices(onProgress?: (fraction: number) => void): Int32Array {
    const k = this.options.testPerSource;
    const rng = new Rng(TEST_SET_SEED);
    const table = this.table();
    const logZ = this.logPartitionOver(() => table);
    const u = Array.from({ length: k }, () => rng.uniform()).sort((a, b) => a - b);
    const out = new Int32Array(2 * k);
    let cumulative = 0;
    let next = 0;
    for (let i = 0; i < table.length && next < k; i++) {
      cumulative += Math.exp(sehLogReward(table[i]!, this.options.exponent) - logZ);
      while (next < k && u[next]! < cumulative) out[next++] = i;
      if ((i & 0xfffff) === 0) onProgress?.(i / table.length);
    }
    // float rounding can leave the last draws short of 1: they take the last string
    while (next < k) out[next++] = table.length - 1;
    for (let j = 0; j < k; j++) out[k + j] = Math.floor(rng.uniform() * table.length);
    return out;
  }

  private table(): Float64Array {
    return sehPredictionTable(this.proxy, this.options.files);
  }
}

/** The sehstr environment: a sequence environment plus what sampled evaluation needs. */
export type SehStrEnv = SequenceEnv & WithKnownLogPartition & WithModeThreshold & WithTestSet;

/**
 * sehstr (Shen et al. 2023; the policy-gradient GFlowNet paper's largest sequence task): strings of
 * 6 of 18 molecular building blocks (envs/data/sehstr.blocks.json) filled in any order, rewarded
 * by the boosted-tree sEH proxy, R = max(pred, 1e−3)^6 · 10 / max; 34,013 modes (R ≥ 7.0499),
 * log Z = 17.5524. 19^6 ≈ 47M states: evaluated by sampling (log p̂ / log R correlations on strings
 * drawn from R/Z and uniformly, modes found, top-k, log Z estimates against the known value).
 */
export function createSehStr(options: Partial<SehStrOptions> & Pick<SehStrOptions, 'files'>): SehStrEnv {
  const reward = new SehStrReward({ exponent: 6, testPerSource: 128, ...options });
  const env = new SequenceEnv({ name: 'sehstr', ndim: 6, nbase: 18 }, reward);
  let testSet: Int32Array | undefined;
  return Object.assign(env, {
    knownLogPartition: (): number => reward.logPartition(),
    modeLogRewardThreshold: (): number => reward.modeLogRewardThreshold(),
    modeCount: (): number => MODE_COUNT,
    testSet: (): Int32Array => (testSet ??= env.sequencesOf(reward.testIndices())).slice(),
  });
}
