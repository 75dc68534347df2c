import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import { Dense } from './dense.js';
import { linearizeByAutodiff } from './autodiff-linearization.js';
import type { Estimator, Linearization } from './estimator.js';
import { FilmModulation } from './film.js';
import type { MlpShape } from './mlp.js';
import { readValues } from './read.js';
import { sharedTrunkEstimator } from './shared-trunk.js';

/** Shape of a FiLM MLP: an MLP's, and where its input rows carry the condition's features. */
export interface FilmMlpShape extends Omit<MlpShape, 'fewHotInput'> {
  /** The columns of the input that are the condition's features f: `width` of them from `start` (what the environment's `ObservationCondition` says). */
  condition: { readonly start: number; readonly width: number };
}

/**
 * A multi-layer perceptron whose every hidden layer l is modulated by the condition's features f,
 * read from the input's own columns: h_l = act(γ_l(f) ⊙ (W_l h_{l−1} + b_l) + β_l(f))
 * ({@link FilmModulation}); the output layer is linear and unmodulated. The input keeps f as
 * columns too, so that the untrained network (γ = 1, β = 0) is the `concat` network of the same
 * initial weights, and the first layer can still shift by f before any modulation is learned.
 *
 * Its passes run on the tensor backend (no native kernel has the modulation): see
 * docs/conditional.md for what that costs.
 */
export class FilmMlp implements Estimator {
  /** Every layer's affine map (the hidden ones linear: their activation follows the modulation). */
  readonly layers: Dense[];
  /** The modulation of each hidden layer. */
  readonly films: FilmModulation[];

  /** @param rng draws the dense layers exactly as an {@link Mlp} of the same shape does (the modulations start at zero and draw nothing). */
  constructor(
    readonly shape: FilmMlpShape,
    rng: Rng,
    name: string,
  ) {
    const { start, width } = shape.condition;
    if (width < 1 || start < 0 || start + width > shape.inputDim) {
      throw new Error(`FiLM (${name}): condition columns [${start}, ${start + width}) are not within the input's ${shape.inputDim}`);
    }
    const dims = [shape.inputDim, ...shape.hidden, shape.outputDim];
    this.layers = [];
    this.films = [];
    for (let i = 0; i + 1 < dims.length; i++) {
      this.layers.push(new Dense(dims[i]!, dims[i + 1]!, 'linear', rng, `${name}/layer${i}`));
      if (i + 2 < dims.length) this.films.push(new FilmModulation(width, dims[i + 1]!, `${name}/layer${i}`));
    }
  }

  get inputDim(): number {
    return this.shape.inputDim;
  }

  get outputDim(): number {
    return this.shape.outputDim;
  }

  /** Differentiable forward pass (no gradient w.r.t. the input: observations are data). */
  apply(x: Tensor2D): Tensor2D {
    return this.pass(x, this.layers.length);
  }

  /**
   * Forward pass for inference: the same operations as {@link apply}, so that sampling and
   * training see the same values bit for bit.
   */
  predict(x: Tensor2D): Tensor2D {
    return tf.tidy(() => this.pass(x, this.layers.length));
  }

  /** {@link predict}'s outputs on the host. */
  predictValues(x: Tensor2D): Float32Array {
    return readValues(() => this.pass(x, this.layers.length));
  }

  /** The first `count` layers' output, hidden layers modulated by the input's condition columns. */
  private pass(x: Tensor2D, count: number): Tensor2D {
    const input = x.dtype === 'float32' ? x : (tf.cast(x, 'float32') as Tensor2D);
    const { start, width } = this.shape.condition;
    const features = tf.slice(input, [0, start], [input.shape[0], width]) as Tensor2D;
    let h = input;
    for (let i = 0; i < count; i++) {
      const z = this.layers[i]!.apply(h, i > 0);
      const film = this.films[i];
      h = film ? film.apply(z, features, this.shape.activation) : z;
    }
    return h;
  }

  /**
   * A second estimator on this network's modulated hidden layers with its own linear output layer
   * (a backward policy sharing P_F's trunk); its variables include the trunk's and its modulations'.
   */
  withSharedTrunk(outputDim: number, rng: Rng, role: string): Estimator {
    if (this.layers.length < 2) throw new Error('an MLP without hidden layers has no trunk to share');
    const head = new Dense(this.layers[this.layers.length - 2]!.outDim, outputDim, 'linear', rng, `${role}/head`);
    const trunk = this.layers.length - 1;
    return sharedTrunkEstimator(
      {
        inputDim: this.inputDim,
        trunkApply: (x) => this.pass(x, trunk),
        trunkPredict: (x) => tf.tidy(() => this.pass(x, trunk)),
        trunkVariables: () => this.trunkVariables(trunk),
      },
      head,
      outputDim,
    );
  }

  /** The linearisation at inputs `x` by automatic differentiation (RL-T's Jacobian products). */
  linearize(x: Tensor2D): Linearization {
    return linearizeByAutodiff(this, x);
  }

  /** Every layer's weight and bias, then its modulation's Γ and Β (hidden layers), layer by layer. */
  get variables(): Variable[] {
    return this.trunkVariables(this.layers.length);
  }

  private trunkVariables(count: number): Variable[] {
    return this.layers.slice(0, count).flatMap((l, i) => [...l.variables, ...(this.films[i]?.variables ?? [])]);
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
    for (const f of this.films) f.dispose();
  }
}
