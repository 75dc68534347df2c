import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Tensor, Tensor2D, Variable } from '#tensor-types';
import { type Activation, activationGrad } from './dense.js';
import { ownedVariable } from './names.js';

/**
 * Feature-wise linear modulation of one hidden layer (FiLM, Perez et al. 2018) by a condition's
 * features f (`rows x featureDim`): the layer's affine output z = W x + b becomes
 * γ(f) ⊙ z + β(f), with γ(f) = 1 + f Γ and β(f) = f Β (Γ, Β: `featureDim x outDim`).
 *
 * Both maps are affine in f; their constant terms are fixed at 1 and 0 because learned ones would
 * repeat what the layer already has (a constant scale of z is a scale of W and b, a constant
 * shift is b). Γ and Β start at zero, so γ = 1, β = 0: an untrained FiLM network computes exactly
 * what the same network without modulation does.
 */
export class FilmModulation {
  /** Γ: how each feature scales each unit (γ = 1 + f Γ). */
  readonly gamma: Variable<Rank.R2>;
  /** Β: how each feature shifts each unit (β = f Β). */
  readonly beta: Variable<Rank.R2>;

  constructor(
    readonly featureDim: number,
    readonly outDim: number,
    name: string,
  ) {
    this.gamma = ownedVariable(tf.zeros([featureDim, outDim]) as Tensor2D, `${name}/film/gamma`);
    this.beta = ownedVariable(tf.zeros([featureDim, outDim]) as Tensor2D, `${name}/film/beta`);
  }

  /**
   * act(γ(f) ⊙ z + β(f)), differentiable in z, Γ and Β (not in f: features are data). The
   * gradient is written out, with explicit transposes, for the reason {@link Dense} gives (the
   * tensor backend's own gradient of a matrix product takes a slow transposed-operand path on
   * wasm): with dm = dy ⊙ act′, dz = dm ⊙ γ(f), dΓ = fᵀ (dm ⊙ z), dΒ = fᵀ dm.
   */
  apply(z: Tensor2D, features: Tensor2D, activation: Activation): Tensor2D {
    const op = tf.customGrad((...args: unknown[]) => {
      const [zIn, gamma, beta, save] = args as [Tensor2D, Tensor2D, Tensor2D, tf.GradSaveFunc];
      const scale = tf.add(1, tf.matMul(features, gamma)) as Tensor2D;
      const y = activate(tf.add(tf.mul(zIn, scale), tf.matMul(features, beta)) as Tensor2D, activation);
      save([zIn, scale, y, features]);
      return {
        value: y,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [zs, scales, ys, fs] = saved as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
          const dm = activationGrad(activation, dy as Tensor2D, ys);
          const fT = tf.transpose(fs);
          return [tf.mul(dm, scales), tf.matMul(fT, tf.mul(dm, zs)), tf.matMul(fT, dm)];
        },
      };
    }) as unknown as (z: Tensor2D, gamma: Tensor2D, beta: Tensor2D) => Tensor2D;
    return op(z, this.gamma, this.beta);
  }

  get variables(): Variable[] {
    return [this.gamma, this.beta];
  }

  dispose(): void {
    this.gamma.dispose();
    this.beta.dispose();
  }
}

/** `activation` applied to `z` (differentiable). */
export function activate(z: Tensor2D, activation: Activation): Tensor2D {
  if (activation === 'relu') return tf.relu(z);
  if (activation === 'tanh') return tf.tanh(z);
  return z;
}
