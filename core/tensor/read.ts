import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `compute` in a tidy scope and returns a host copy of the tensor it produced, freeing
 * everything else. Why not `tf.tidy(() => t.dataSync())`: tidy inspects what its callback returns
 * key by key, and a returned typed array makes that a per-element walk (~0.7 µs per value,
 * 45 ms for a 256x256 result).
 */
export function readValues(compute: () => tf.Tensor): Float32Array {
  const t = tf.tidy(compute);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}
