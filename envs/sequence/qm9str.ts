import type { FileAccess } from '../../core/base/file-access.js';
import { float32FileSpec, loadFloat32File } from './data-file.js';
import { scaledLogRewards, topIndices } from './score-reward.js';
import { SequenceEnv, type SequenceReward } from './sequence-env.js';

/** Proxy scores of all 11^5 strings of 5 building blocks (see envs/data/README.md). */
export const QM9STR_SCORES = float32FileSpec('qm9str.y.f32', 11 ** 5, '3b738c95f1e3d9c316becae098870eb28a21433976490583efecdd44c49e9d3c');

/** Fraction of the strings that count as modes: the top 0.5% by reward. */
export const QM9STR_MODE_FRACTION = 0.005;

/** Options of {@link createQm9Str}. */
export interface Qm9StrOptions {
  /** β in R = max(y, 1e−3)^β · 10 / max; the paper uses 5. */
  exponent: number;
  /** Reads the shipped data (`nodeFileAccess` under Node). */
  files: FileAccess;
  /** Overrides the location of `qm9str.y.f32` (tests use it to feed damaged copies). */
  scoresPath?: string;
}

/**
 * qm9str's reward: the scaled proxy score. Modes are the floor(0.005 · 11^5) = 805 strings of
 * highest reward; ties are broken by the smaller sequence index (in the shipped data no tie
 * straddles the cut, so this choice does not change the set). R is monotone in y, so the set
 * does not depend on the exponent.
 */
export class Qm9StrReward implements SequenceReward {
  private readonly logRewards: Float64Array;
  private modes: Int32Array | undefined;

  constructor(options: Qm9StrOptions) {
    this.logRewards = scaledLogRewards(loadFloat32File(QM9STR_SCORES, options.files, options.scoresPath), options.exponent);
  }

  logRewardOfIndex(index: number): number {
    return this.logRewards[index]!;
  }

  modeIndices(): Int32Array {
    // sorting the 161,051 rewards takes a quarter of a second: done on first use, not when the
    // preflight builds the environment to check a config
    this.modes ??= topIndices(this.logRewards, Math.floor(QM9STR_MODE_FRACTION * this.logRewards.length)).sort();
    return this.modes.slice();
  }
}

/**
 * qm9str: strings of 5 of 11 molecular building blocks (names and SMILES in
 * envs/data/qm9str.blocks.json) rewarded by a property proxy, R = max(y, 1e−3)^5 · 10 / max;
 * 805 modes. True log Z = 9.6241.
 */
export function createQm9Str(options: Partial<Qm9StrOptions> & Pick<Qm9StrOptions, 'files'>): SequenceEnv {
  return new SequenceEnv({ name: 'qm9str', ndim: 5, nbase: 11 }, new Qm9StrReward({ exponent: 5, ...options }));
}
