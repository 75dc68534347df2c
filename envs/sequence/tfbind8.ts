import type { FileAccess } from '../../core/base/file-access.js';
import { float32FileSpec, loadFloat32File, loadJsonFile, type DataFileSpec } from './data-file.js';
import { scaledLogRewards } from './score-reward.js';
import { SequenceEnv, type SequenceReward } from './sequence-env.js';

/** The binding scores of all 4^8 DNA 8-mers (see envs/data/README.md). */
export const TFBIND8_SCORES = float32FileSpec('tfbind8.y.f32', 4 ** 8, '17319284d6cc6725a6396280ba29e1918ba508943a4759927c08426ddd80391a');
/** The 328 mode sequences of the paper's TFbind8 task. */
export const TFBIND8_MODES: DataFileSpec = {
  file: 'tfbind8.modes.json',
  bytes: 2266,
  sha256: 'dac677df3681629edd366fa878c0340eecc40c3403ded05d22f6e2e0ce502da5',
};

/** Options of {@link createTfBind8}. */
export interface TfBind8Options {
  /** β in R = max(y, 1e−3)^β · 10 / max; the paper uses 3. */
  exponent: number;
  /** Reads the shipped data (`nodeFileAccess` under Node). */
  files: FileAccess;
  /** Overrides the location of `tfbind8.y.f32` (tests use it to feed damaged copies). */
  scoresPath?: string;
  /** Overrides the location of `tfbind8.modes.json`. */
  modesPath?: string;
}

/** TFbind8's reward: the scaled binding score; modes from the shipped list. */
export class TfBind8Reward implements SequenceReward {
  private readonly logRewards: Float64Array;
  private readonly modes: Int32Array;

  constructor(options: TfBind8Options) {
    this.logRewards = scaledLogRewards(loadFloat32File(TFBIND8_SCORES, options.files, options.scoresPath), options.exponent);
    const modes = loadJsonFile(TFBIND8_MODES, options.files, options.modesPath);
    if (!Array.isArray(modes) || !modes.every((m) => Number.isInteger(m) && m >= 0 && m < 4 ** 8)) {
      throw new Error(`${TFBIND8_MODES.file}: expected a JSON array of sequence indices in [0, ${4 ** 8})`);
    }
    this.modes = Int32Array.from(modes as number[]);
  }

  logRewardOfIndex(index: number): number {
    return this.logRewards[index]!;
  }

  modeIndices(): Int32Array {
    return this.modes.slice();
  }
}

/**
 * TFbind8: DNA 8-mers (ndim 8, nbase 4: A, C, G, T) rewarded by their measured binding to the SIX6
 * transcription factor, R = max(y, 1e−3)^3 · 10 / max; 328 modes. True log Z = 11.4621.
 */
export function createTfBind8(options: Partial<TfBind8Options> & Pick<TfBind8Options, 'files'>): SequenceEnv {
  return new SequenceEnv({ name: 'tfbind8', ndim: 8, nbase: 4 }, new TfBind8Reward({ exponent: 3, ...options }));
}
