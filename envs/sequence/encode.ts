import { batchSize } from '../../core/env/environment.js';

/**
 * One-hot observations of sequence states: `obs[i][position·nbase + symbol] = 1`, empty positions
 * (−1) all zero — shared by the insert-anywhere and the append environments.
 */
export function encodeSequences(name: string, states: Int32Array, ndim: number, nbase: number): Float32Array {
  const n = batchSize(states, ndim);
  const obsDim = ndim * nbase;
  const obs = new Float32Array(n * obsDim);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < ndim; p++) {
      const v = states[i * ndim + p]!;
      if (v === -1) continue;
      if (v < -1 || v >= nbase) throw new Error(`${name}.encode: value ${v} at position ${p} of row ${i} is not −1 or a symbol in [0, ${nbase})`);
      obs[i * obsDim + p * nbase + v] = 1;
    }
  }
  return obs;
}
