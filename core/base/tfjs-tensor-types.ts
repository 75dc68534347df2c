/**
 * The tensor types of `#tensor-types` as TensorFlow.js declares them: what the sources compile
 * against (the `gflownet-ts-source` condition) and what a consumer selects with the
 * `gflownet-ts-tfjs` condition to compute with the tensors the package hands out. A consumer
 * without that condition gets `tensor-types.ts`, whose declarations need nothing of TensorFlow.js
 * (see its comment and docs/package.md).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as Shipped from './tensor-types.js';

export type { DataType, NamedTensorMap, Rank, Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';

/** Compiles only when `T` is `true`. */
type Holds<T extends true> = T;
/** `true` when every `A` is a `B`. */
type Is<A, B> = [A] extends [B] ? true : false;

/**
 * Compile-time proof that the declarations shipped in `tensor-types.ts` describe what the package
 * hands out: each TensorFlow.js type is assignable to the shipped type of the same name (a type
 * error here means the shipped declarations drifted). Nothing uses it at run time.
 */
export type ShippedTensorTypesHold = [
  Holds<Is<tf.Rank, Shipped.Rank>>,
  Holds<Is<tf.DataType, Shipped.DataType>>,
  Holds<Is<tf.Tensor, Shipped.Tensor>>,
  Holds<Is<tf.Scalar, Shipped.Scalar>>,
  Holds<Is<tf.Tensor1D, Shipped.Tensor1D>>,
  Holds<Is<tf.Tensor2D, Shipped.Tensor2D>>,
  Holds<Is<tf.Tensor3D, Shipped.Tensor3D>>,
  Holds<Is<tf.Variable, Shipped.Variable>>,
  Holds<Is<tf.Variable<tf.Rank.R0>, Shipped.Variable<Shipped.Rank.R0>>>,
  Holds<Is<tf.Variable<tf.Rank.R1>, Shipped.Variable<Shipped.Rank.R1>>>,
  Holds<Is<tf.Variable<tf.Rank.R2>, Shipped.Variable<Shipped.Rank.R2>>>,
  Holds<Is<tf.NamedTensorMap, Shipped.NamedTensorMap>>,
];
