import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '#tensor-types';
import type { Environment } from '../env/environment.js';
import type { Estimator } from '../tensor/estimator.js';
import { networkInput } from './network-input.js';

/**
 * Distinct rows of a flat `n x dim` state batch (in order of first occurrence) and, for every row,
 * the index of its distinct row. Rows are bucketed by a 32-bit hash and compared entry by entry
 * within a bucket: no per-row string key (a joined key of a d = 20 adjacency matrix is ~800
 * characters, and sampled evaluation passes ~10^5 such rows at once).
 */
export function uniqueRows(states: Int32Array, dim: number): { unique: Int32Array; inverse: Int32Array } {
  const n = states.length / dim;
  const heads = new Map<number, number>();
  const inverse = new Int32Array(n);
  const firstRows: number[] = [];
  // next distinct row with the same hash (−1: end of the bucket)
  const chain: number[] = [];
  for (let r = 0; r < n; r++) {
    const off = r * dim;
    let h = 0x811c9dc5 ^ dim;
    for (let c = 0; c < dim; c++) h = Math.imul(h ^ states[off + c]!, 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ (h >>> 12);
    let u = heads.get(h) ?? -1;
    while (u >= 0 && !rowsMatch(states, firstRows[u]! * dim, off, dim)) u = chain[u]!;
    if (u < 0) {
      u = firstRows.length;
      chain.push(heads.get(h) ?? -1);
      heads.set(h, u);
      firstRows.push(r);
    }
    inverse[r] = u;
  }
  const unique = new Int32Array(firstRows.length * dim);
  firstRows.forEach((r, u) => unique.set(states.subarray(r * dim, r * dim + dim), u * dim));
  return { unique, inverse };
}

function rowsMatch(states: Int32Array, a: number, b: number, dim: number): boolean {
  for (let c = 0; c < dim; c++) if (states[a + c] !== states[b + c]) return false;
  return true;
}

/**
 * Below this fraction of distinct rows, the network runs on the distinct states only. Trajectory
 * batches revisit states (every trajectory starts at s0; early states are shared), and the
 * network's cost is linear in its rows, while the gather costs next to nothing.
 */
const DEDUPLICATE_BELOW = 0.9;

/** Estimator outputs at a batch's distinct states (see {@link distinctOutputs}). */
export interface DistinctOutputs {
  /** Differentiable outputs, one row per state of `states`. */
  outputs: Tensor2D;
  /** The states evaluated: the batch's distinct states, or the batch itself when few repeat. */
  states: Int32Array;
  /** For every row of the batch, its row in `outputs`; undefined when `states` is the batch. */
  rows: Int32Array | undefined;
}

/**
 * Differentiable estimator outputs at the distinct states of a batch of states, and which of
 * them each row of the batch is: for losses that read the rows through an index themselves (the
 * fused masked-softmax ops) instead of gathering a rows x outputDim copy.
 */
export function distinctOutputs(env: Environment, estimator: Estimator, states: Int32Array): DistinctOutputs {
  const rows = states.length / env.stateDim;
  const { unique, inverse } = uniqueRows(states, env.stateDim);
  if (unique.length / env.stateDim >= DEDUPLICATE_BELOW * rows) {
    return { outputs: estimator.apply(networkInput(env, estimator, states)), states, rows: undefined };
  }
  return { outputs: estimator.apply(networkInput(env, estimator, unique)), states: unique, rows: inverse };
}

/**
 * Differentiable estimator outputs for a batch of states (rows x outputDim), evaluating the
 * network once per distinct state.
 */
export function estimatorOutputs(env: Environment, estimator: Estimator, states: Int32Array): Tensor2D {
  return tf.tidy(() => {
    const { outputs, rows } = distinctOutputs(env, estimator, states);
    return rows ? gatherRows(outputs, rows) : outputs;
  });
}

/**
 * out[r] = x[inverse[r]] with a gradient that sums rows back (a segment sum in host memory: the
 * wasm backend lacks the UnsortedSegmentSum kernel that gather's built-in gradient needs).
 */
export function gatherRows(x: Tensor2D, inverse: Int32Array): Tensor2D {
  const [nUnique, cols] = x.shape;
  const op = tf.customGrad((...args: unknown[]) => {
    const input = args[0] as Tensor2D;
    return {
      value: tf.gather(input, tf.tensor1d(inverse, 'int32')) as Tensor2D,
      gradFunc: (dy: Tensor) => {
        const g = dy.dataSync();
        const acc = new Float32Array(nUnique * cols);
        for (let r = 0; r < inverse.length; r++) {
          const dst = inverse[r]! * cols;
          for (let c = 0; c < cols; c++) acc[dst + c]! += g[r * cols + c]!;
        }
        return [tf.tensor2d(acc, [nUnique, cols])];
      },
    };
  });
  return (op as unknown as (t: Tensor2D) => Tensor2D)(x);
}
