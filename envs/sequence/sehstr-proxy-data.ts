import type { DataFileSpec } from './data-file.js';
import { loadJsonFile } from './data-file.js';
import { parseTreeEnsemble, TreeEnsembleProxy } from './seh-proxy.js';
import { type FileAccess, tableOf } from '../../core/base/file-access.js';

/** The boosted-tree sEH proxy (100 trees over 6 positions × 18 blocks; see envs/data/README.md). */
export const SEHSTR_MODEL: DataFileSpec = {
  file: 'sehstr.gbtr.json',
  bytes: 227611,
  sha256: '99064743af5f6917697a408d106472ce6c0b046ad950c25bc16621cc18e7fa0b',
};
/** Names and SMILES of the 18 building blocks. */
export const SEHSTR_BLOCKS: DataFileSpec = {
  file: 'sehstr.blocks.json',
  bytes: 1068,
  sha256: 'ea866ee94d8e56a91d72e5dafe10dd7cc00cfcbc7d1bd040224c14507d513776',
};

/** The characters naming the 18 blocks, in block order. */
export const SEHSTR_ALPHABET = '0123456789abcdefgh';

/**
 * The largest proxy prediction over all 18^6 strings (at "ag550c"); it fixes the reward scale
 * 10 / max^β without computing the full table. A test recomputes it from the table.
 */
export const SEHSTR_MAX_PREDICTION = 7.033253064721926;

/** Loads the shipped, checksummed proxy; `path` overrides the shipped location (tests). */
export function loadSehProxy(files: FileAccess, path?: string): TreeEnsembleProxy {
  return new TreeEnsembleProxy(parseTreeEnsemble(loadJsonFile(SEHSTR_MODEL, files, path), SEHSTR_MODEL.file));
}

/** Name of the cached prediction table: changes with the model file. */
export const SEHSTR_TABLE_KEY = `sehstr-pred-${SEHSTR_MODEL.sha256.slice(0, 16)}`;

/**
 * The proxy's predictions for all 34,012,224 strings (indexed like the sequence tasks' data files),
 * through the host's table cache (under Node a 272 MB file computed once, in seconds to tens of
 * seconds, then read back in about a second).
 */
export function sehPredictionTable(proxy: TreeEnsembleProxy, files: FileAccess): Float64Array {
  return tableOf(files, {
    key: SEHSTR_TABLE_KEY,
    length: proxy.nStrings,
    description: 'the sEH proxy table (34M predictions)',
    compute: (onProgress) => proxy.predictAll(onProgress),
  });
}

/** log R(x) = β·log max(pred, 1e−3) + log 10 − β·log max_x' pred(x'): the best string has reward 10. */
export function sehLogReward(prediction: number, exponent: number): number {
  return exponent * (Math.log(Math.max(prediction, 1e-3)) - Math.log(SEHSTR_MAX_PREDICTION)) + Math.log(10);
}

/** Mode threshold on R (β = 6): the 99.9th percentile of R over all strings; 34,013 strings reach it. */
export const SEHSTR_MODE_REWARD = 7.049907276935041;
