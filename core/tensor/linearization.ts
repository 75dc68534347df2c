import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '#tensor-types';
import type { Linearization } from './estimator.js';
import type { Dense } from './dense.js';
import { denseOutputGram } from './output-gram.js';

/**
 * The linearisation of a stack of dense layers at fixed inputs x: J·v and Jᵀ·u for the Jacobian
 * J of the outputs w.r.t. all parameters, with the forward activations, activation derivatives
 * and transposed operands computed once and reused by every product. TRPO's conjugate gradients
 * ask for ~20 such products per step at the same x, so caching them halves the work.
 */
export function linearizeDense(layers: readonly Dense[], x: Tensor2D): Linearization {
  const cache = tf.tidy(() => {
    const inputsT: Tensor2D[] = [];
    const inputs: Tensor2D[] = [];
    const derivatives: Array<Tensor2D | undefined> = [];
    const weightsT: Tensor2D[] = [];
    let h = x;
    for (const layer of layers) {
      inputs.push(h);
      inputsT.push(tf.transpose(h));
      weightsT.push(tf.transpose(layer.weight));
      // the fused kernel of `predict`, so that the outputs are bit for bit the inference outputs
      const z = tf.fused.matMul({ a: h, b: layer.weight, bias: layer.bias }) as Tensor2D;
      if (layer.activation === 'relu') {
        derivatives.push(tf.step(z) as Tensor2D);
        h = tf.relu(z);
      } else if (layer.activation === 'tanh') {
        h = tf.tanh(z);
        derivatives.push(tf.sub(1, tf.square(h)) as Tensor2D);
      } else {
        derivatives.push(undefined);
        h = z;
      }
    }
    const kept = { inputs, inputsT, derivatives, weightsT, outputs: h };
    return kept;
  });
  const all = [
    ...cache.inputs.slice(1),
    ...cache.inputsT,
    ...cache.weightsT,
    ...cache.derivatives.filter((d): d is Tensor2D => d !== undefined),
    cache.outputs,
  ];
  return {
    outputs: cache.outputs,
    gram: denseOutputGram(layers, cache),
    jvp: (tangents) =>
      tf.tidy(() => {
        let dh: Tensor2D | undefined;
        layers.forEach((layer, l) => {
          let dz = tf.add(tf.matMul(cache.inputs[l]!, tangents[2 * l] as Tensor2D), tangents[2 * l + 1]!) as Tensor2D;
          if (dh) dz = tf.add(dz, tf.matMul(dh, layer.weight));
          const d = cache.derivatives[l];
          dh = d ? (tf.mul(dz, d) as Tensor2D) : dz;
        });
        return dh!;
      }),
    vjp: (u) =>
      tf.tidy(() => {
        const grads: Tensor[] = new Array(layers.length * 2);
        let g: Tensor2D = u;
        for (let l = layers.length - 1; l >= 0; l--) {
          const d = cache.derivatives[l];
          const gz = d ? (tf.mul(g, d) as Tensor2D) : g;
          grads[2 * l] = tf.matMul(cache.inputsT[l]!, gz);
          grads[2 * l + 1] = tf.sum(gz, 0);
          if (l > 0) g = tf.matMul(gz, cache.weightsT[l]!);
        }
        return grads;
      }),
    dispose: () => tf.dispose(all),
  };
}
