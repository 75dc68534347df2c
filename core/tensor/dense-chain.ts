import type { Activation } from './dense.js';
import type { FewHotRows } from './few-hot-input.js';
import type { TransformerValues } from './transformer-shape.js';

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
 * What an {@link Engine} needs to run a network outside the tensor backend.
 */
export interface DenseChainValues {
  layers: readonly DenseLayerValues[];
}

/**
 * Runs one loaded dense chain over many rows; `dispose` frees what `load` set up. Batches are
 * queued with `submit` and their outputs taken in the same order with `collect` (synchronous,
 * waits when needed): a caller that submits the next batch before it collects one keeps the
 * engine busy while it works on the outputs.
 */
export interface ChainRunner {
  readonly inputDim: number;
  readonly outputDim: number;
  /**
   * Optional: replaces the loaded network by another snapshot (batches already submitted are still
   * collected from the old one), so that a caller that runs many snapshots pays the engine's
   * start-up once; without it the caller loads a new runner.
   */
  reload?(chain: DenseChainValues): void;
  /** Queues `rows x inputDim` inputs (row-major). */
  submit(x: Float32Array, rows: number): void;
  /** Outputs (`rows x outputDim`, row-major) of the oldest batch not collected yet. */
  collect(): Float32Array;
  dispose(): void;
}

/** Options of {@link Engine.load}. */
export interface ChainRunnerOptions {
  /** Threads the engine may use; 0 = its default (every core). */
  threads: number;
}

/** Options of {@link Engine.kernels}. */
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
  /** The engine's name (the value of the config field `engine.name` that selects it). */
  readonly name: string;
  /**
   * y = chain(x) for `rows` rows of `x` (row-major); with `keepHidden`, also every layer's output
   * after its activation (`hidden[l]`, the last one equal to y), which {@link backward} takes.
   */
  forward(layers: readonly DenseLayerValues[], x: Float32Array, rows: number, keepHidden: boolean): { y: Float32Array; hidden: Float32Array[] };
  /** Parameter gradients of Σ y ⊙ dy at the inputs `x` whose forward pass kept `hidden`. */
  backward(layers: readonly DenseLayerValues[], x: Float32Array, hidden: readonly Float32Array[], dy: Float32Array, rows: number): DenseChainGradients;
  /**
   * Optional: {@link forward} for few-hot input rows given as their columns: the first layer sums
   * the weight rows of the columns instead of a product with the dense rows. Without it, few-hot
   * input reaches {@link forward} as the dense rows it stands for.
   */
  forwardFewHot?(layers: readonly DenseLayerValues[], x: FewHotRows, rows: number, keepHidden: boolean): { y: Float32Array; hidden: Float32Array[] };
  /** Optional, with {@link forwardFewHot}: {@link backward} for few-hot input (the first layer's dW a scatter-add of its dz rows). */
  backwardFewHot?(layers: readonly DenseLayerValues[], x: FewHotRows, hidden: readonly Float32Array[], dy: Float32Array, rows: number): DenseChainGradients;
  /**
   * Optional: a Transformer's inference pass (`core/tensor/transformer.ts`, what sampling and
   * evaluation call) as one computation, on the parameters passed at each call: the outputs
   * (`rows x outputDim`, row-major) of `rows` one-hot observation rows `x` (row-major, `positions ·
   * vocabulary` wide), equal to the tensor backend's to float32 rounding. Without it the
   * Transformer's passes run on the tensor backend. (Its training pass does, either way.)
   */
  transformerForward?(network: TransformerValues, x: Float32Array, rows: number): Float32Array;
  /**
   * Optional, with {@link transformerForward}: the gradients of Σ y ⊙ dy w.r.t. every parameter of
   * the Transformer (the order and shapes of `network.parameters`) at observations `x`, `dy` being
   * `rows x outputDim`. With it the Transformer's training pass (`apply`) runs on the kernels too.
   */
  transformerBackward?(network: TransformerValues, x: Float32Array, dy: Float32Array, rows: number): Float32Array[];
  dispose(): void;
}

/** Exact evaluation's network pass on an engine: which one, with what options, and from what size on. */
export interface EvaluationEngine {
  engine: Engine;
  options: ChainRunnerOptions;
  /** True when the config named the engine: it runs every exact evaluation's pass, however small. */
  always: boolean;
}

/**
 * What a run's `engine` section chose for the dense networks' passes: training kernels, or none
 * (the tensor backend), and the engine of exact evaluation's pass, or none.
 */
export interface KernelsChoice {
  kernels: DenseChainKernels | undefined;
  evaluation?: EvaluationEngine;
}

/**
 * A faster engine than the tensor backend for a dense network's passes, e.g. native code: large
 * inference passes (exact evaluation sends hundreds of thousands of states through the policy)
 * and, optionally, every pass of training. A contribution of a plugin (`Plugin.engines`, the Node
 * plugin registers ONNX Runtime's); the kernel names none. Selected by the config's `engine.name`.
 */
export interface Engine {
  /** The name `engine.name` selects it by. */
  readonly name: string;
  /** One line for `gfn list`: what it runs on, what it needs. */
  readonly description: string;
  /**
   * Why it cannot run here (e.g. its module is not installed), or undefined when it can: a cheap
   * look (`gfn list` asks every engine), which loads no native code.
   */
  unavailable(): string | undefined;
  /**
   * Optional: the thorough look, once per process — loads what the engine needs and checks it (its
   * version, the shape of what it calls). The preflight asks it of the engine a config names,
   * `auto` of each candidate, `gfn doctor` of every engine. Without it, {@link unavailable} is all
   * that is known, and an engine it refuses counts as not installed.
   */
  check?(): EngineCheck;
  load(chain: DenseChainValues, options: ChainRunnerOptions): ChainRunner;
  /** Optional: kernels for training's passes as well; without them training stays on the tensor backend. */
  kernels?(options: DenseKernelsOptions): DenseChainKernels;
}

/** What an engine found about itself here ({@link Engine.check}). */
export interface EngineCheck {
  /** Why it cannot run here; undefined when it can. */
  problem?: string;
  /**
   * True when the problem is only that what it needs is not installed: `auto` then passes over it
   * without a word. Any other problem (installed but broken, or not what the engine expects) is
   * said once when `auto` passes over it.
   */
  notInstalled?: boolean;
  /** What to do about `problem` or `warning`: a command, a config change. */
  fix?: string;
  /** What it found, e.g. `onnxruntime-node 1.30.0 at /path`; named in messages about it. */
  found?: string;
  /** A concern that does not stop it (e.g. a version outside the tested range), said once when it is used. */
  warning?: string;
}
