import { batchSize, type Environment } from './environment.js';

/**
 * Optional capability: observations that are few-hot — every entry of `encode`'s rows is 0 or 1
 * and a row has at most {@link obsColumnsPerRow} ones — handed to the networks as the columns of
 * their ones. A network's first layer then sums those rows of its weight (a gather) instead of
 * multiplying the whole observation (`docs/performance.md`, "Sparse inputs"): the bit sequences'
 * 3,840-wide one-hot rows have at most 15 ones.
 */
export interface WithFewHotEncoding {
  /** The most ones an observation row has; {@link encodeColumns} writes this many entries per row. */
  readonly obsColumnsPerRow: number;
  /**
   * `batch x obsColumnsPerRow`: for each state, the distinct columns in `[0, obsDim)` where its
   * `encode` row is 1 (every other entry is 0), in any order, the rest of the row −1.
   */
  encodeColumns(states: Int32Array): Int32Array;
}

/** Type guard for {@link WithFewHotEncoding}. */
export function hasFewHotEncoding(env: Environment): env is Environment & WithFewHotEncoding {
  return typeof (env as Partial<WithFewHotEncoding>).encodeColumns === 'function' && Number.isInteger((env as Partial<WithFewHotEncoding>).obsColumnsPerRow);
}

/**
 * The columns of a one-hot-per-entry observation: entry c of a state, a value v in `[0, width)`,
 * is column `c · width + v`; an entry of −1 (empty, or s_f's padding) has none and writes −1.
 * The layout of HyperGrid's coordinates and of the sequences' positions.
 *
 * @param name the environment, named in the error for a value out of range
 */
export function oneHotEntryColumns(name: string, states: Int32Array, stateDim: number, width: number): Int32Array {
  const n = batchSize(states, stateDim);
  const out = new Int32Array(n * stateDim);
  for (let i = 0; i < n * stateDim; i++) {
    const v = states[i]!;
    if (v < -1 || v >= width) {
      const row = Math.floor(i / stateDim);
      throw new Error(`${name}.encodeColumns: value ${v} at entry ${i - row * stateDim} of row ${row} is not −1 or in [0, ${width})`);
    }
    out[i] = v === -1 ? -1 : (i % stateDim) * width + v;
  }
  return out;
}
