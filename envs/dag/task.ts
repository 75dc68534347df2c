import type { FileAccess } from '../../core/base/file-access.js';
import { syntheticDagData, loadCsv, type DagData } from './data.js';
import type { DagEnv } from './dag-env.js';
import { createDagEnv } from './enumerable-dag-env.js';

/** Options of the registered `dag` task (the config's env section). */
export interface DagTaskOptions {
  /** Number of variables. With `csv`, it must equal the file's number of columns. */
  d: number;
  /** Seed of the synthetic data (graph, weights, samples); unused with `csv`. */
  seed: number;
  /** Number of synthetic samples; unused with `csv`. */
  samples: number;
  /** Noise standard deviation of the synthetic data; unused with `csv`. */
  noiseStd: number;
  /** Path of a CSV file of observations (one column per variable) replacing the synthetic data. */
  csv?: string;
  /** See {@link DagEnvOptions.guideLogRewardThreshold}. */
  guideLogRewardThreshold: number;
}

/**
 * The DAG environment of a config: synthetic linear-Gaussian data from `seed` (see
 * `syntheticDagData`), or the observations of a CSV file read through `files`; enumerable when d ≤ 5.
 */
export function createDagTask(options: DagTaskOptions, files: FileAccess): DagEnv {
  let source: DagData;
  let trueAdjacency: Int32Array | undefined;
  if (options.csv !== undefined) {
    source = loadCsv(options.csv, files);
    if (source.d !== options.d) {
      // d has a default, so a mismatch is more likely a forgotten setting than a wish to drop columns
      throw new Error(`dag: CSV file ${options.csv} has ${source.d} columns but d = ${options.d}; set env.d to ${source.d}`);
    }
  } else {
    const synthetic = syntheticDagData({ d: options.d, seed: options.seed, samples: options.samples, noiseStd: options.noiseStd });
    source = synthetic;
    trueAdjacency = synthetic.trueAdjacency;
  }
  return createDagEnv({
    d: source.d,
    data: source.data,
    nSamples: source.nSamples,
    guideLogRewardThreshold: options.guideLogRewardThreshold,
    ...(trueAdjacency ? { trueAdjacency } : {}),
  });
}
