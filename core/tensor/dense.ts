import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import { ownedVariable } from './names.js';

/** Activations a dense layer can apply after its affine map. */
export const ACTIVATIONS = ['relu', 'tanh', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * A fully connected layer `y = act(x W + b)` with a hand-written gradient.
 *
 * Why: on the wasm backend the default gradient of `matMul` uses transposed-operand matMuls, which
 * are ~10x slower there than an explicit `transpose` followed by a plain `matMul`. The custom
 * gradient computes dx = dz Wᵀ, dW = xᵀ dz, db = Σ dz with explicit transposes, and folds the
 * activation's derivative into dz from the saved output (relu: y > 0, tanh: 1 − y²).
 */
export class Dense {
  readonly weight: Variable<Rank.R2>;
  readonly bias: Variable<Rank.R1>;
  private readonly op: (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor2D;
  /** The weight as [1, in, out] for the fused kernel, and the weight data it views. */
  private weightView?: { dataId: object; tensor: Tensor3D };

  /**
   * @param inDim input width
   * @param outDim output width
   * @param activation applied to the affine output
   * @param rng initialisation draws, PyTorch's default: W, b ~ U(−1/√inDim, 1/√inDim)
   * @param name prefix of the variables' names (unique names are required by the optimisers)
   */
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    readonly activation: Activation,
    rng: Rng,
    name: string,
  ) {
    const bound = 1 / Math.sqrt(inDim);
    const w = new Float32Array(inDim * outDim);
    // drawn in PyTorch's [out][in] order so that a layer is reproducible from the same stream
    for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) w[i * outDim + o] = (2 * rng.uniform() - 1) * bound;
    const b = new Float32Array(outDim);
    for (let o = 0; o < outDim; o++) b[o] = (2 * rng.uniform() - 1) * bound;
    this.weight = ownedVariable(tf.tensor2d(w, [inDim, outDim]), `${name}/w`);
    this.bias = ownedVariable(tf.tensor1d(b), `${name}/b`);
    this.op = makeDenseOp(activation, () => this.weight3());
    // made now, so that the number of live tensors does not change at the first network call
    this.weight3();
  }

  /**
   * The weight as a rank-3 view (the fused kernel's operand), made once per weight value: a
   * reshape is a kernel dispatch, and sampling calls each layer once per time step.
   */
  weight3(): Tensor3D {
    if (this.weightView?.dataId !== this.weight.dataId) {
      this.weightView?.tensor.dispose();
      const tensor = tf.keep(tf.reshape(this.weight, [1, this.inDim, this.outDim]) as Tensor3D);
      this.weightView = { dataId: this.weight.dataId, tensor };
    }
    return this.weightView.tensor;
  }

  /**
   * Forward pass that records the custom gradient (use inside gradient computations).
   * With `inputGradient` false (a network's first layer: observations are constants) the
   * gradient w.r.t. x — one of the three matMuls of the backward pass — is not computed.
   */
  apply(x: Tensor2D, inputGradient = true): Tensor2D {
    return inputGradient ? this.op(x, this.weight, this.bias) : makeParamOnlyDenseOp(x, this.activation, () => this.weight3())(this.weight, this.bias);
  }

  /** Forward pass without gradient bookkeeping (sampling, evaluation): one fused kernel. */
  predict(x: Tensor2D): Tensor2D {
    return inferenceChain([this], x);
  }

  /** Replaces the parameters with `weight` given as [in][out] and `bias` [out]. */
  assign(weight: Float32Array | number[], bias: Float32Array | number[]): void {
    tf.tidy(() => {
      this.weight.assign(tf.tensor2d(Array.from(weight), [this.inDim, this.outDim]));
      this.bias.assign(tf.tensor1d(Array.from(bias)));
    });
  }

  get variables(): Variable[] {
    return [this.weight, this.bias];
  }

  dispose(): void {
    this.weightView?.tensor.dispose();
    this.weight.dispose();
    this.bias.dispose();
  }
}

function makeDenseOp(activation: Activation, weight3: () => Tensor3D): (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor2D {
  const fn = tf.customGrad((...args: unknown[]) => {
    const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, tf.GradSaveFunc];
    const y = affine(x, weight3(), b, activation);
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws, ys] = saved as [Tensor2D, Tensor2D, Tensor2D];
        const dz = activationGrad(activation, dy as Tensor2D, ys);
        const { dx, db } = inputAndBiasGradients(dz, ws);
        return [dx, tf.matMul(tf.transpose(xs), dz), db];
      },
    };
  });
  return fn as unknown as (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor2D;
}

/**
 * Inference through a stack of layers with one kernel per layer (plus tanh where used).
 * Activations stay rank 3 from layer to layer (see {@link fusedKernel}); the kernel and attributes
 * are those `tf.fused.matMul` uses outside gradient computations, so the outputs are bit for bit
 * those of a layer-by-layer pass of `tf.fused.matMul`.
 */
export function inferenceChain(layers: readonly Dense[], x: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    let h = tf.reshape(x, [1, x.shape[0], x.shape[1]]) as Tensor3D;
    for (const layer of layers) h = fusedKernel(h, layer.weight3(), layer.bias, layer.activation);
    return tf.reshape(h, [x.shape[0], h.shape[2]]) as Tensor2D;
  });
}

/**
 * act(x W + b) for rank-3 x ([1, rows, in]) through the fused matMul kernel, called directly.
 * Why not `tf.fused.matMul`: it wraps the kernel in a custom-gradient op and reshapes both
 * operands and the output on every call — on wasm several times the kernel's own cost at the
 * batch sizes of sampling (measured: a 4x256 MLP on 16 rows, 1.06 ms layer by layer vs 0.49 ms).
 */
function fusedKernel(x: Tensor3D, w3: Tensor3D, b: Tensor1D, activation: Activation): Tensor3D {
  const attrs = { transposeA: false, transposeB: false, activation: activation === 'relu' ? 'relu' : 'linear' };
  const y = tf.engine().runKernel('_FusedMatMul', { a: x, b: w3, bias: b }, attrs) as Tensor3D;
  return activation === 'tanh' ? tf.tanh(y) : y;
}

/**
 * act(x W + b) for the training pass: the fused kernel of {@link inferenceChain}, so that the
 * loss sees bit for bit the outputs sampling saw. Called inside the custom gradient's forward
 * function, whose kernels are not recorded (the layer's own gradient is), so the kernel runs
 * fused where `tf.fused.matMul` would fall back to matMul, add and activation kernels inside a
 * gradient computation; the backend also reuses the weights it packed for sampling.
 */
function affine(x: Tensor2D, w3: Tensor3D, b: Tensor1D, activation: Activation): Tensor2D {
  return tf.tidy(() => {
    const y = fusedKernel(tf.reshape(x, [1, x.shape[0], x.shape[1]]), w3, b, activation);
    return tf.reshape(y, [x.shape[0], w3.shape[2]]) as Tensor2D;
  });
}

/** The dense op with x closed over: gradients for W and b only. */
function makeParamOnlyDenseOp(x: Tensor2D, activation: Activation, weight3: () => Tensor3D): (w: Tensor2D, b: Tensor1D) => Tensor2D {
  const fn = tf.customGrad((...args: unknown[]) => {
    const [, b, save] = args as [Tensor2D, Tensor1D, tf.GradSaveFunc];
    const y = affine(x, weight3(), b, activation);
    // x is saved too: the caller's tidy may dispose it before the backward pass runs
    save([y, x]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [ys, xs] = saved as [Tensor2D, Tensor2D];
        const dz = activationGrad(activation, dy as Tensor2D, ys);
        return [tf.matMul(tf.transpose(xs), dz), tf.sum(dz, 0)];
      },
    };
  });
  return fn as unknown as (w: Tensor2D, b: Tensor1D) => Tensor2D;
}

/**
 * dx = dz Wᵀ and db = Σ_rows dz. For few rows dx is computed as (W dzᵀ)ᵀ: the wasm transpose and
 * the packing of a fresh right-hand operand cost in proportion to their size, and for
 * rows·(in + out) well below in·out transposing dz and the product is far cheaper than
 * transposing W (measured for 256x256: 0.3 ms vs 1.2 ms at 1 row, 0.9 vs 1.3 ms at 48 rows, about
 * even at 256 rows). db then sums dzᵀ along its rows: the wasm sum over axis 0 transposes its
 * input first, so this saves that transpose. Both forms accumulate over the same index in the
 * same order: the results are bit for bit equal.
 */
function inputAndBiasGradients(dz: Tensor2D, w: Tensor2D): { dx: Tensor2D; db: Tensor1D } {
  const [inDim, outDim] = w.shape;
  if (dz.shape[0] * (inDim + outDim) < 2 * inDim * outDim) {
    const dzT = tf.transpose(dz);
    return { dx: tf.transpose(tf.matMul(w, dzT)), db: tf.sum(dzT, 1) };
  }
  return { dx: tf.matMul(dz, tf.transpose(w)), db: tf.sum(dz, 0) };
}

/** dz = dy ⊙ act′ from the saved output y (relu: y > 0, tanh: 1 − y²). */
export function activationGrad(activation: Activation, dy: Tensor2D, y: Tensor2D): Tensor2D {
  switch (activation) {
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'linear':
      return dy;
  }
}
