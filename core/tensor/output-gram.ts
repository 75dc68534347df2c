import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '#tensor-types';
import type { OutputGram, WorkEstimate } from './estimator.js';
import type { Dense } from './dense.js';
import { withFloatValues } from './read.js';

/** What a dense chain's linearisation caches at its inputs (see `linearizeDense`). */
export interface DenseChainCache {
  /** Each layer's input (M x inDim) and its transpose. */
  inputs: readonly Tensor2D[];
  inputsT: readonly Tensor2D[];
  /** Each layer's activation derivative at its pre-activation (undefined: linear). */
  derivatives: ReadonlyArray<Tensor2D | undefined>;
  /** Each layer's transposed weight. */
  weightsT: readonly Tensor2D[];
}

/**
 * Gram matrices (S J)(S J)ᵀ of a dense chain linearised at M inputs (see `OutputGram`). Row
 * r = b·M + i of S J is the gradient w.r.t. all parameters of Σ_a seeds[r, a] · output[i, a]; at
 * layer l (z = x W + b) that gradient is x̃_{l,i}ᵀ δ_{l,r}, with x̃ = [x, 1] the layer's input at i
 * (bias appended) and δ_{l,r} the row's backpropagated signal at the layer's pre-activation. Hence
 *   K[r, t] = Σ_l (x̃_{l,i} · x̃_{l,j}) (δ_{l,r} · δ_{l,t})      (r = b·M + i, t = c·M + j):
 * one backward chain of all blocks' rows at once (the block layout lets the activation derivative
 * broadcast over blocks, no gather) and per layer two Gram products, the inputs' (M x M) and the
 * signals' ((blocks·M)²), read and combined on the host in float64. Gram products use explicit
 * transposes: transposed-operand matMuls are much slower on the wasm backend (see `Dense`).
 */
export function denseOutputGram(layers: readonly Dense[], cache: DenseChainCache): OutputGram {
  const M = cache.inputs[0]!.shape[0];
  const L = layers.length;
  const outDim = layers[L - 1]!.outDim;
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  // multiply-adds of x·W per input row, per layer
  const layerMacs = layers.map((layer) => layer.inDim * layer.outDim);
  const productWork: WorkEstimate = {
    // jvp: x·dW every layer, dh·W after the first; vjp: xᵀ·gz every layer, gz·Wᵀ after the first
    multiplyAdds: M * (4 * sum(layerMacs) - 2 * layerMacs[0]!),
    // jvp ≈ 5 kernels per layer, vjp ≈ 4, plus one upload (tangent) and one read (gradient) per variable
    kernels: 13 * L + 1,
    hostOperations: 0,
  };
  return {
    productWork,
    work: (blocks) => {
      const n = blocks * M;
      return {
        multiplyAdds: n * (sum(layerMacs) - layerMacs[0]!) + n * n * sum(layers.map((l) => l.outDim)) + M * M * sum(layers.map((l) => l.inDim)),
        // per layer: mul, transpose, two matMuls, two reads, the chain's matMul
        kernels: 7 * L + 1,
        // the layers' Gram matrices combined on the host
        hostOperations: L * n * n,
      };
    },
    matrix: (seeds, blocks) => {
      const n = blocks * M;
      const gram = new Float64Array(n * n);
      let signal: Tensor2D = tf.tensor2d(seeds, [n, outDim]);
      for (let l = L - 1; l >= 0; l--) {
        const d = cache.derivatives[l];
        const width = layers[l]!.outDim;
        const delta = d ? tf.tidy(() => tf.reshape(tf.mul(tf.reshape(signal, [blocks, M, width]), d), [n, width]) as Tensor2D) : signal;
        const signalGram = tf.tidy(() => tf.matMul(delta, tf.transpose(delta)));
        const inputGram = tf.matMul(cache.inputs[l]!, cache.inputsT[l]!);
        // read in place (no tensor is made while the views are held): host copies of these
        // n x n matrices were megabytes of garbage per step
        withFloatValues(signalGram, (signals) =>
          withFloatValues(inputGram, (inputs) => {
            for (let r = 0; r < n; r++) {
              const row = (r % M) * M;
              for (let c = 0; c < blocks; c++) {
                const at = r * n + c * M;
                for (let j = 0; j < M; j++) gram[at + j]! += (inputs[row + j]! + 1) * signals[at + j]!;
              }
            }
          }),
        );
        signalGram.dispose();
        inputGram.dispose();
        const next = l > 0 ? (tf.matMul(delta, cache.weightsT[l]!) as Tensor2D) : undefined;
        if (delta !== signal) delta.dispose();
        signal.dispose();
        if (next) signal = next;
      }
      return gram;
    },
  };
}
