import * as tf from '@tensorflow/tfjs-core';
import type { Environment } from '../env/environment.js';
import type { Estimator } from '../estimator.js';

/** Distinct rows of a flat `n x dim` state batch and, for every row, the index of its distinct row. */
export function uniqueRows(states: Int32Array, dim: number): { unique: Int32Array; inverse: Int32Array } {
  const n = states.length / dim;
  const index = new Map<string, number>();
  const inverse = new Int32Array(n);
  const firstRows: number[] = [];
  for (let r = 0; r < n; r++) {
    const key = states.subarray(r * dim, r * dim + dim).join(',');
    let u = index.get(key);
    if (u === undefined) {
      u = firstRows.length;
      index.set(key, u);
      firstRows.push(r);
    }
    inverse[r] = u;
  }
  const unique = new Int32Array(firstRows.length * dim);
  firstRows.forEach((r, u) => unique.set(states.subarray(r * dim, r * dim + dim), u * dim));
  return { unique, inverse };
}

/**
 * Below this fraction of distinct rows, the network runs on the distinct states only. Trajectory
 * batches revisit states (every trajectory starts at s0; early states are shared), and the
 * network's cost is linear in its rows, while the gather costs next to nothing.
 */
const DEDUPLICATE_BELOW = 0.9;

/**
 * Differentiable estimator outputs for a batch of states (rows x outputDim), evaluating the
 * network once per distinct state.
 */
export function estimatorOutputs(env: Environment, estimator: Estimator, states: Int32Array): tf.Tensor2D {
  const rows = states.length / env.stateDim;
  const { unique, inverse } = uniqueRows(states, env.stateDim);
  const nUnique = unique.length / env.stateDim;
  return tf.tidy(() => {
    if (nUnique >= DEDUPLICATE_BELOW * rows) return estimator.apply(tf.tensor2d(env.encode(states), [rows, env.obsDim]));
    const out = estimator.apply(tf.tensor2d(env.encode(unique), [nUnique, env.obsDim]));
    return gatherRows(out, inverse);
  });
}

/**
 * out[r] = x[inverse[r]] with a gradient that sums rows back (a segment sum in host memory: the
 * wasm backend lacks the UnsortedSegmentSum kernel that gather's built-in gradient needs).
 */
export function gatherRows(x: tf.Tensor2D, inverse: Int32Array): tf.Tensor2D {
  const [nUnique, cols] = x.shape;
  const op = tf.customGrad((...args: unknown[]) => {
    const input = args[0] as tf.Tensor2D;
    return {
      value: tf.gather(input, tf.tensor1d(inverse, 'int32')) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor) => {
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
  return (op as unknown as (t: tf.Tensor2D) => tf.Tensor2D)(x);
}
