import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import type { Estimator, Linearization } from './estimator.js';
import type { DenseChainKernels, DenseChainValues } from './dense-chain.js';
import { type Activation, Dense, inferenceChain } from './dense.js';
import { denseInput, fewHotLayerApply, fewHotLayerPredict, isFewHotInput } from './few-hot-input.js';
import { KernelChain } from './kernel-chain.js';
import { readValues } from './read.js';
import { linearizeDense } from './linearization.js';
import { sharedTrunkEstimator } from './shared-trunk.js';

/** Shape of a multi-layer perceptron. */
export interface MlpShape {
  inputDim: number;
  hidden: readonly number[];
  outputDim: number;
  activation: Activation;
  /**
   * The network also takes few-hot input rows as their columns (an int32 tensor, see
   * {@link FewHotRows}): its first layer then gathers weight rows instead of a matrix product.
   * Dense float32 rows are taken either way.
   */
  fewHotInput?: boolean;
}

/**
 * A multi-layer perceptron: hidden layers with `activation`, a linear output layer.
 * Built from explicit-transpose {@link Dense} layers (see there for why).
 */
export class Mlp implements Estimator {
  readonly layers: Dense[];
  /** Where `apply` and `predict` run when kernels were given (empty batches and the rest stay on the backend). */
  private readonly kernelChain?: KernelChain;

  /**
   * @param kernels optional engine of the whole network's passes (`apply`, `predict`), e.g. native
   *   code (config field `kernels`); without it every pass runs on the tensor backend
   */
  constructor(
    readonly shape: MlpShape,
    rng: Rng,
    name: string,
    kernels?: DenseChainKernels,
  ) {
    const dims = [shape.inputDim, ...shape.hidden, shape.outputDim];
    this.layers = [];
    for (let i = 0; i + 1 < dims.length; i++) {
      const act = i + 2 === dims.length ? 'linear' : shape.activation;
      this.layers.push(new Dense(dims[i]!, dims[i + 1]!, act, rng, `${name}/layer${i}`));
    }
    if (kernels) this.kernelChain = new KernelChain(this.layers, kernels);
  }

  get inputDim(): number {
    return this.shape.inputDim;
  }

  get outputDim(): number {
    return this.shape.outputDim;
  }

  /** True when `apply` and `predict` take few-hot columns (see {@link MlpShape.fewHotInput}). */
  get fewHotInput(): boolean {
    return this.shape.fewHotInput === true;
  }

  /** Differentiable forward pass (no gradient w.r.t. the input: observations are data). */
  apply(x: Tensor2D): Tensor2D {
    if (this.kernelChain && x.shape[0] > 0) return this.kernelChain.apply(x);
    return this.applyLayers(x, this.layers.length);
  }

  /** Differentiable output of the last hidden layer (the trunk a shared head sits on). */
  trunkApply(x: Tensor2D): Tensor2D {
    return this.applyLayers(x, this.layers.length - 1);
  }

  /** Inference output of the last hidden layer. */
  trunkPredict(x: Tensor2D): Tensor2D {
    return this.predictLayers(x, this.layers.length - 1);
  }

  /** The first `count` layers' differentiable output; the first layer by a gather for few-hot input. */
  private applyLayers(x: Tensor2D, count: number): Tensor2D {
    const [first, ...rest] = this.layers.slice(0, count);
    if (!first) return x;
    let h = isFewHotInput(x) ? fewHotLayerApply(first, x) : first.apply(x, false);
    for (const layer of rest) h = layer.apply(h);
    return h;
  }

  /** The first `count` layers' inference output; the first layer by a gather for few-hot input. */
  private predictLayers(x: Tensor2D, count: number): Tensor2D {
    const layers = this.layers.slice(0, count);
    if (!isFewHotInput(x) || layers.length === 0) return inferenceChain(layers, x);
    return tf.tidy(() => inferenceChain(layers.slice(1), fewHotLayerPredict(layers[0]!, x)));
  }

  /**
   * A second estimator on this network's hidden layers with its own linear output layer (e.g. a
   * backward policy sharing P_F's trunk). Its variables include the shared trunk's; disposing it
   * frees only its own head.
   */
  withSharedTrunk(outputDim: number, rng: Rng, role: string): Estimator {
    if (this.layers.length < 2) throw new Error('an MLP without hidden layers has no trunk to share');
    const head = new Dense(this.layers[this.layers.length - 2]!.outDim, outputDim, 'linear', rng, `${role}/head`);
    return sharedTrunkEstimator(
      {
        inputDim: this.inputDim,
        fewHotInput: this.fewHotInput,
        trunkApply: (x) => this.trunkApply(x),
        trunkPredict: (x) => this.trunkPredict(x),
        trunkVariables: () => this.layers.slice(0, -1).flatMap((l) => l.variables),
      },
      head,
      outputDim,
    );
  }

  /** The linearisation at inputs `x` (see linearization.ts). */
  linearize(x: Tensor2D): Linearization {
    if (!isFewHotInput(x)) return linearizeDense(this.layers, x);
    // the Jacobian products take dense inputs (few-hot input is rare there: TRPO's step)
    const dense = denseInput(x, this.inputDim);
    const lin = linearizeDense(this.layers, dense);
    const dispose = lin.dispose.bind(lin);
    return Object.assign(lin, { dispose: () => (dispose(), dense.dispose()) });
  }

  /** The layers' current parameters as host arrays (for an inference accelerator). */
  denseChain(): DenseChainValues {
    return {
      layers: this.layers.map((l) => ({
        inDim: l.inDim,
        outDim: l.outDim,
        activation: l.activation,
        weight: l.weight.dataSync() as Float32Array,
        bias: l.bias.dataSync() as Float32Array,
      })),
    };
  }

  /** Forward pass for inference only (fused kernels, no gradient bookkeeping). */
  predict(x: Tensor2D): Tensor2D {
    if (this.kernelChain && x.shape[0] > 0) return this.kernelChain.predict(x);
    return this.predictLayers(x, this.layers.length);
  }

  /** {@link predict}'s outputs on the host; on kernels straight from them, with no tensor between. */
  predictValues(x: Tensor2D): Float32Array {
    if (this.kernelChain && x.shape[0] > 0) return this.kernelChain.predictValues(x);
    return readValues(() => this.predictLayers(x, this.layers.length));
  }

  /**
   * Forward-mode derivative: the outputs and their directional derivative along `tangents`
   * (one tensor per variable, in {@link variables} order) — J·v without finite differences.
   * Used for exact Fisher-vector products (TRPO).
   */
  jvp(x: Tensor2D, tangents: readonly Tensor[]): { value: Tensor2D; tangent: Tensor2D } {
    if (tangents.length !== this.layers.length * 2) throw new Error(`Mlp.jvp: expected ${this.layers.length * 2} tangents, got ${tangents.length}`);
    return tf.tidy(() => {
      let h: Tensor2D = denseInput(x, this.inputDim);
      let dh: Tensor2D | undefined;
      this.layers.forEach((layer, i) => {
        const dW = tangents[2 * i] as Tensor2D;
        const db = tangents[2 * i + 1] as Tensor1D;
        const z: Tensor2D = tf.add(tf.matMul(h, layer.weight), layer.bias);
        let dz: Tensor2D = tf.add(tf.matMul(h, dW), db);
        if (dh) dz = tf.add(dz, tf.matMul(dh, layer.weight));
        if (layer.activation === 'relu') {
          h = tf.relu(z);
          dh = tf.mul(dz, tf.step(z));
        } else if (layer.activation === 'tanh') {
          h = tf.tanh(z);
          dh = tf.mul(dz, tf.sub(1, tf.square(h))) as Tensor2D;
        } else {
          h = z;
          dh = dz;
        }
      });
      return { value: h, tangent: dh! };
    });
  }

  get variables(): Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}
