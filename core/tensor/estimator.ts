import type { Tensor, Tensor2D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import type { DenseChainValues } from './dense-chain.js';

/**
 * A parameterised function of observations: policy logits, state flows, values.
 * `apply` is differentiable (use inside gradient computations); `predict` is for inference.
 */
export interface Estimator {
  readonly inputDim: number;
  readonly outputDim: number;
  /**
   * Optional: true when `apply` and `predict` also take few-hot observations as the columns of
   * their ones — an int32 `rows x k` tensor, −1 where a row has fewer than k ones (`FewHotRows`,
   * `core/tensor/few-hot-input.ts`) — and compute the same outputs, to float32 rounding, with less
   * work. Dense float32 rows are always taken. Callers build the input with `networkInput`
   * (`core/policy/network-input.ts`), which gives columns only where the environment offers them.
   */
  readonly fewHotInput?: boolean;
  apply(x: Tensor2D): Tensor2D;
  predict(x: Tensor2D): Tensor2D;
  /**
   * Optional: {@link predict}'s outputs as a fresh host array (rows x outputDim, row-major), the
   * same values, made without an output tensor where the pass runs on the host (native kernels):
   * the sampler reads every step's logits back, and a tensor there is an upload and a read per step.
   */
  predictValues?(x: Tensor2D): Float32Array;
  readonly variables: readonly Variable[];
  /**
   * Optional forward-mode derivative along `tangents` (one per variable): outputs and J·v.
   * Needed by second-order methods (TRPO's Fisher-vector products).
   */
  jvp?(x: Tensor2D, tangents: readonly Tensor[]): { value: Tensor2D; tangent: Tensor2D };
  /** Optional: the linearisation at inputs `x` (cached for many Jacobian products). */
  linearize?(x: Tensor2D): Linearization;
  /**
   * Optional: a new estimator sharing this one's hidden layers, with its own output layer of
   * `outputDim` (a P_B with a trunk shared with P_F). Its variables include the shared ones.
   */
  withSharedTrunk?(outputDim: number, rng: Rng, role: string): Estimator;
  /**
   * Optional: a copy of the parameters when the estimator is a plain stack of dense layers, so
   * that an inference accelerator (`core/tensor/dense-chain.ts`) can run large inference passes (exact evaluation).
   */
  denseChain?(): DenseChainValues;
  dispose(): void;
}

/**
 * An estimator linearised at fixed inputs: products with the Jacobian J of its outputs w.r.t. its
 * parameters (variables order), for second-order methods.
 */
export interface Linearization {
  /**
   * The outputs at the linearisation's inputs (owned: freed by `dispose`): `predict`'s, bit for bit
   * when both run on the tensor backend, to float32 rounding when `predict` runs on kernels.
   */
  readonly outputs: Tensor2D;
  /** J·v for per-variable tangents v: the outputs' directional derivative. */
  jvp(tangents: readonly Tensor[]): Tensor2D;
  /** Jᵀ·u: the gradient of Σ outputs ⊙ u w.r.t. each variable. */
  vjp(u: Tensor2D): Tensor[];
  /** Optional: Gram matrices of Jacobian rows, for methods that work in output space. */
  readonly gram?: OutputGram;
  dispose(): void;
}

/** Estimated work of a tensor computation, for choosing between equivalent ones. */
export interface WorkEstimate {
  /** Multiply-adds of the matrix products. */
  multiplyAdds: number;
  /** Kernel dispatches, uploads and reads (each costs a fixed overhead whatever its size). */
  kernels: number;
  /** Host (JavaScript) arithmetic operations. */
  hostOperations: number;
}

/**
 * Gram matrices of output-space directions of a linearisation at M inputs. The directions come in
 * `blocks` blocks of M rows: row b·M + i picks Σ_a seeds[(b·M + i)·outDim + a] · outputs[i, a] (a
 * row of zero seeds is a zero direction). With S the matrix of these rows and J the Jacobian
 * w.r.t. all parameters, `matrix` returns (S J)(S J)ᵀ, (blocks·M) x (blocks·M), float64, row-major.
 */
export interface OutputGram {
  matrix(seeds: Float32Array, blocks: number): Float64Array;
  /** Estimated work of `matrix` with `blocks` blocks. */
  work(blocks: number): WorkEstimate;
  /** Estimated work of one `jvp` plus one `vjp` (the matrix-free alternative's unit). */
  readonly productWork: WorkEstimate;
}

/** What an objective or the core asks an estimator factory for. */
export interface EstimatorRequest {
  /** Purpose, used in variable names and error messages (e.g. `forward`, `backward`, `value`). */
  role: string;
  inputDim: number;
  outputDim: number;
  /** Per-request overrides of the configured estimator options (e.g. a smaller value network). */
  overrides?: Record<string, unknown>;
}

/** Builds estimators of the configured kind (the `estimator` section of the config). */
export type EstimatorFactory = (request: EstimatorRequest) => Estimator;
