/**
 * The tensor types named by the declarations gflownet-ts ships, declared here so that a consumer's
 * type check reaches no third-party declaration through them. TensorFlow.js's own declarations
 * fail under `strict` with TypeScript 6 unless `skipLibCheck` is set (its pinned `@webgpu/types`
 * conflict with the WebGPU part of TypeScript's DOM library; `hash_util.d.ts` names a global
 * `Long` that TypeScript 6 no longer loads), and most consumers never compute with a tensor.
 *
 * At run time each of these values is a TensorFlow.js tensor. A project that computes with them
 * (a plugin's objective or estimator) selects TensorFlow.js's declarations of the same names
 * instead, through the `gflownet-ts-tfjs` condition (`"customConditions"` in its tsconfig.json);
 * the package maps `#tensor-types` to this file or to `tfjs-tensor-types.ts` (package.json,
 * "imports"). Every type here is a supertype of TensorFlow.js's type of the same name, checked at
 * compile time in `tfjs-tensor-types.ts`, so what the package hands out satisfies what it declares.
 */

/** A tensor's rank by name: `Rank.R0` (a scalar) to `Rank.R6`. */
export type Rank = Rank.R0 | Rank.R1 | Rank.R2 | Rank.R3 | Rank.R4 | Rank.R5 | Rank.R6;

/** The ranks, one type each, for `Tensor<Rank.R2>` and the like. */
export declare namespace Rank {
  type R0 = 'R0';
  type R1 = 'R1';
  type R2 = 'R2';
  type R3 = 'R3';
  type R4 = 'R4';
  type R5 = 'R5';
  type R6 = 'R6';
}

/** The shape of a tensor of each rank (a scalar's is `[]`). */
export interface ShapeOfRank {
  R0: number[];
  R1: [number];
  R2: [number, number];
  R3: [number, number, number];
  R4: [number, number, number, number];
  R5: [number, number, number, number, number];
  R6: [number, number, number, number, number, number];
}

/** The element type of a tensor. */
export type DataType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

/**
 * A TensorFlow.js tensor, seen from outside: its shape and element type, and `dispose` to free its
 * memory. Computing with it takes TensorFlow.js's declarations (see the file's comment).
 */
export interface Tensor<R extends Rank = Rank> {
  /** Unique id of the tensor in its engine. */
  readonly id: number;
  readonly shape: ShapeOfRank[R];
  /** Number of elements. */
  readonly size: number;
  readonly dtype: DataType;
  readonly rank: number;
  /** Whether `dispose` freed it. */
  readonly isDisposed: boolean;
  /** Frees the tensor's memory. */
  dispose(): void;
}

/** A tensor of rank 0. */
export type Scalar = Tensor<Rank.R0>;
/** A tensor of rank 1. */
export type Tensor1D = Tensor<Rank.R1>;
/** A tensor of rank 2 (a batch of rows, in most of the package's signatures). */
export type Tensor2D = Tensor<Rank.R2>;
/** A tensor of rank 3. */
export type Tensor3D = Tensor<Rank.R3>;

/** A mutable tensor that optimisers train (and checkpoints save, by name). */
export interface Variable<R extends Rank = Rank> extends Tensor<R> {
  /** Its name in the engine, unique while it lives. */
  readonly name: string;
  /** Whether gradients flow to it. */
  readonly trainable: boolean;
}

/** Tensors by name (gradients by variable name, for instance). */
export interface NamedTensorMap {
  [name: string]: Tensor;
}
