import * as tf from '@tensorflow/tfjs-core';
import type { OutputGram, WorkEstimate } from '../estimator.js';
import type { Dense } from './dense.js';

/** What a dense chain's linearisation caches at its inputs (see `linearizeDense`). */
export interface DenseChainCache {
  /** Each layer's input (M x inDim) and its transpose. */
  inputs: readonly tf.Tensor2D[];
  inputsT: readonly tf.Tensor2D[];
  /** Each layer's activation derivative at its pre-activation (undefined: linear). */
  derivatives: ReadonlyArray<tf.Tensor2D | undefined>;
  /** Each layer's transposed weight. */
  weightsT: readonly tf.Tensor2D[];
}

/**
 * Gram matrices (S J)(S J)ᵀ of a dense chain linearised at M inputs. Row r of S J is the gradient
 * w.r.t. all parameters of Σ_a seeds[r, a] · output[index[r], a]; at layer l (z = x W + b) that
 * gradient is x̃_{i}ᵀ δ_{l,r} with x̃ = [x, 1] the layer's input at i = index[r] (bias appended) and
 * δ_{l,r} the backpropagated signal of the row at the layer's pre-activation. Hence
 *   K[r, t] = Σ_l (x̃_{l,i_r} · x̃_{l,i_t}) (δ_{l,r} · δ_{l,t}),
 * one backward chain with R rows and, per layer, the inputs' Gram (M x M, gathered to R x R) times
 * the signals' Gram elementwise. Gram products use explicit transposes: transposed-operand matMuls
 * are much slower on the wasm backend (see `Dense`).
 */
export function denseOutputGram(layers: readonly Dense[], cache: DenseChainCache): OutputGram {
  const rows = cache.inputs[0]!.shape[0];
  // multiply-adds of x·W per layer (per input row) and the layers' output widths
  const layerMacs = layers.map((layer) => layer.inDim * layer.outDim);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const L = layers.length;
  const productWork: WorkEstimate = {
    // jvp: x·dW every layer, dh·W after the first; vjp: xᵀ·gz every layer, gz·Wᵀ after the first
    multiplyAdds: rows * (4 * sum(layerMacs) - 2 * layerMacs[0]!),
    // jvp ≈ 5 kernels per layer, vjp ≈ 4, plus one upload (tangent) and one read (gradient) per variable
    kernels: 9 * L + 4 * L + 1,
  };
  return {
    productWork,
    work: (r) => ({
      multiplyAdds: r * (sum(layerMacs) - layerMacs[0]!) + r * r * sum(layers.map((l) => l.outDim)) + rows * rows * sum(layers.map((l) => l.inDim)),
      kernels: 11 * L + 3,
    }),
    matrix: (index, seeds) =>
      tf.tidy(() => {
        const at = tf.tensor1d(index, 'int32');
        let gram: tf.Tensor2D | undefined;
        let signal: tf.Tensor2D = seeds;
        for (let l = L - 1; l >= 0; l--) {
          const d = cache.derivatives[l];
          const delta = d ? (tf.mul(signal, tf.gather(d, at)) as tf.Tensor2D) : signal;
          const signals = tf.matMul(delta, tf.transpose(delta));
          // x̃·x̃' = x·x' + 1 (the bias's constant input)
          const inputs = tf.gather(tf.gather(tf.add(tf.matMul(cache.inputs[l]!, cache.inputsT[l]!), 1), at, 0), at, 1);
          const term = tf.mul(signals, inputs) as tf.Tensor2D;
          gram = gram ? tf.add(gram, term) : term;
          if (l > 0) signal = tf.matMul(delta, cache.weightsT[l]!);
        }
        return gram!;
      }),
  };
}
