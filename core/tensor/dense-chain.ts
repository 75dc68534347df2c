import type { Activation } from './dense.js';

/** One dense layer's parameters as host arrays: y = act(x·W + b), W row-major [inDim][outDim]. */
export interface DenseLayerValues {
  inDim: number;
  outDim: number;
  activation: Activation;
  weight: Float32Array;
  bias: Float32Array;
}

/**
 * A stack of dense layers' parameters at one moment (a copy: later updates do not show in it).
 * What an {@link InferenceAccelerator} needs to run a network outside the tensor backend.
 */
export interface DenseChainValues {
  layers: readonly DenseLayerValues[];
}

/**
 * Runs one loaded dense chain over many rows; `dispose` frees what `load` set up. Batches are
 * queued with `submit` and their outputs taken in the same order with `collect` (synchronous,
 * waits when needed): a caller that submits the next batch before it collects one keeps the
 * accelerator busy while it works on the outputs.
 */
export interface ChainRunner {
  readonly inputDim: number;
  readonly outputDim: number;
  /** Queues `rows x inputDim` inputs (row-major). */
  submit(x: Float32Array, rows: number): void;
  /** Outputs (`rows x outputDim`, row-major) of the oldest batch not collected yet. */
  collect(): Float32Array;
  dispose(): void;
}

/** Options of {@link InferenceAccelerator.load}. */
export interface ChainRunnerOptions {
  /** Threads the accelerator may use; 0 = its default (every core). */
  threads: number;
}

/** Options of {@link InferenceAccelerator.kernels}. */
export interface DenseKernelsOptions {
  /** Threads the kernels may use; 0 = the engine's default (every core). */
  threads: number;
}

/** Gradients of Σ y ⊙ dy w.r.t. each layer's weight and bias (layer order, each row-major like the values). */
export interface DenseChainGradients {
  weights: Float32Array[];
  biases: Float32Array[];
}

/**
 * Synchronous dense-chain kernels for every pass of training (sampling, the loss's forward pass and
 * its backward pass), on parameters that change at every update: the caller passes them at each
 * call. Outputs are fresh arrays the caller owns.
 */
export interface DenseChainKernels {
  /** The engine's name (the value of the config field `kernels` that selects it). */
  readonly name: string;
  /**
   * y = chain(x) for `rows` rows of `x` (row-major); with `keepHidden`, also every layer's output
   * after its activation (`hidden[l]`, the last one equal to y), which {@link backward} takes.
   */
  forward(layers: readonly DenseLayerValues[], x: Float32Array, rows: number, keepHidden: boolean): { y: Float32Array; hidden: Float32Array[] };
  /** Parameter gradients of Σ y ⊙ dy at the inputs `x` whose forward pass kept `hidden`. */
  backward(layers: readonly DenseLayerValues[], x: Float32Array, hidden: readonly Float32Array[], dy: Float32Array, rows: number): DenseChainGradients;
  dispose(): void;
}

/** What a run's config chose for the dense networks' passes: kernels, or none (the tensor backend). */
export interface KernelsChoice {
  kernels: DenseChainKernels | undefined;
}

/**
 * A faster engine than the tensor backend for large inference passes of a dense network (exact
 * evaluation sends hundreds of thousands of states through the policy), e.g. native code on every
 * core. Provided by a host ({@link provideInferenceAccelerator}); the kernel names none.
 */
export interface InferenceAccelerator {
  /** The name `evaluation.inference` selects it by. */
  readonly name: string;
  /** Why it cannot run here (e.g. its module is not installed), or undefined when it can. */
  unavailable(): string | undefined;
  load(chain: DenseChainValues, options: ChainRunnerOptions): ChainRunner;
  /** Optional: kernels for training's passes as well (config field `kernels`). */
  kernels?(options: DenseKernelsOptions): DenseChainKernels;
}
