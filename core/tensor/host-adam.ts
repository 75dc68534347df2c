import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Variable } from '#tensor-types';
import { assignFlat, flattenGradients, flattenValues, parameterCount } from './flat-params.js';

/** Options of {@link HostAdam}. */
export interface HostAdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * The global L2 norm of a flat gradient and the factor that brings it down to `maxNorm`
 * (PyTorch's `clip_grad_norm_`: maxNorm / (norm + 1e-6) when that is below 1, else 1).
 */
export function globalNormClip(grad: ArrayLike<number>, maxNorm: number): { norm: number; scale: number } {
  let ss = 0;
  for (let i = 0; i < grad.length; i++) ss += grad[i]! * grad[i]!;
  const norm = Math.sqrt(ss);
  const scale = maxNorm / (norm + 1e-6);
  return { norm, scale: Math.min(scale, 1) };
}

/**
 * Adam (the update of `tf.train.adam` and PyTorch: bias-corrected moments, ε added to √v̂) with
 * optional global gradient-norm clipping, computed on the host over one flat parameter vector.
 *
 * Why: for small networks (PPO's 64x64 MLPs) the cost of a tfjs Adam step is per-op overhead —
 * about ten kernels per variable, ~45 µs each on wasm, several milliseconds per step for two small
 * networks, more than their forward and backward passes. Here a step is one read of the gradients,
 * a loop over a few thousand numbers and one write per variable. Moments are kept in float64.
 */
export class HostAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    readonly variables: readonly Variable[],
    private readonly options: HostAdamOptions,
  ) {
    const n = parameterCount(variables);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  /**
   * One step from gradients keyed by variable name (missing ones count as 0), which it disposes,
   * after scaling them so that their global norm is at most `maxNorm`. Returns the norm before clipping.
   */
  applyGradients(grads: NamedTensorMap, maxNorm = Infinity): number {
    const g = flattenGradients(this.variables, grads);
    tf.dispose(Object.values(grads));
    const { norm, scale } = globalNormClip(g, maxNorm);
    const p = flattenValues(this.variables);
    const { beta1, beta2, epsilon } = this;
    const lr = this.options.learningRate;
    this.t += 1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * scale;
      const m = (this.m[i] = beta1 * this.m[i]! + (1 - beta1) * gi);
      const v = (this.v[i] = beta2 * this.v[i]! + (1 - beta2) * gi * gi);
      p[i]! -= (lr * (m / c1)) / (Math.sqrt(v / c2) + epsilon);
    }
    assignFlat(this.variables, p);
    return norm;
  }
}
