import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '#tensor-types';
import { type Activation, activationGrad, type Dense } from './dense.js';

/**
 * Few-hot input rows given as the columns of their ones (every other entry is 0): `rows x
 * perRow`, row-major, −1 where a row has fewer ones. A network given them as an int32 tensor
 * (observations are float32 otherwise) computes its first layer x·W + b as Σ_j W[c_j] + b, a row
 * gather, instead of a product with the whole row — the same numbers to float32 rounding.
 */
export interface FewHotRows {
  columns: Int32Array;
  perRow: number;
}

/** True when a network input holds few-hot columns ({@link FewHotRows}) rather than dense rows. */
export function isFewHotInput(x: Tensor2D): boolean {
  return x.dtype === 'int32';
}

/** The host columns of a few-hot input tensor. */
export function fewHotRowsOf(x: Tensor2D): FewHotRows {
  return { columns: x.dataSync() as Int32Array, perRow: x.shape[1] };
}

/** The dense rows (`rows x inputDim`) that few-hot columns stand for. */
export function denseFromColumns({ columns, perRow }: FewHotRows, inputDim: number): Float32Array {
  const rows = perRow === 0 ? 0 : columns.length / perRow;
  const out = new Float32Array(rows * inputDim);
  for (let i = 0; i < rows * perRow; i++) {
    const c = columns[i]!;
    if (c >= 0) out[Math.floor(i / perRow) * inputDim + c] = 1;
  }
  return out;
}

/** A few-hot input tensor as the dense float32 rows it stands for (for the passes that need them: TRPO's linearisation). */
export function denseInput(x: Tensor2D, inputDim: number): Tensor2D {
  if (!isFewHotInput(x)) return x;
  return tf.tensor2d(denseFromColumns(fewHotRowsOf(x), inputDim), [x.shape[0], inputDim]);
}

/**
 * act(x·W + b) of a dense layer for few-hot x, differentiable in W and b (not x: observations are
 * data). Forward: the weight rows of the columns gathered and summed. Backward: dW is dz's rows
 * added into the rows of the columns (a scatter-add, in host memory: the wasm backend has no
 * UnsortedSegmentSum kernel), db = Σ_rows dz.
 */
export function fewHotLayerApply(layer: Dense, x: Tensor2D): Tensor2D {
  const rows = fewHotRowsOf(x);
  const { inDim, outDim, activation } = layer;
  const op = tf.customGrad((...args: unknown[]) => {
    const [w, b, save] = args as [Tensor2D, Tensor1D, tf.GradSaveFunc];
    const y = gatherAffine(w, b, rows, activation);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const dz = activationGrad(activation, dy as Tensor2D, saved[0] as Tensor2D);
        const dw = tf.tensor2d(scatterAddRows(dz.dataSync() as Float32Array, rows, inDim, outDim), [inDim, outDim]);
        // the wasm sum over zero rows fails (divide by zero): an empty batch's db is zero
        return [dw, dz.shape[0] === 0 ? tf.zeros([outDim]) : tf.sum(dz, 0)];
      },
    };
  }) as unknown as (w: Tensor2D, b: Tensor1D) => Tensor2D;
  return op(layer.weight, layer.bias);
}

/** act(x·W + b) of a dense layer for few-hot x, for inference. */
export function fewHotLayerPredict(layer: Dense, x: Tensor2D): Tensor2D {
  return gatherAffine(layer.weight, layer.bias, fewHotRowsOf(x), layer.activation);
}

function gatherAffine(w: Tensor2D, b: Tensor1D, { columns, perRow }: FewHotRows, activation: Activation): Tensor2D {
  return tf.tidy(() => {
    const n = columns.length;
    const rows = perRow === 0 ? 0 : n / perRow;
    const outDim = w.shape[1];
    // an empty batch (the wasm gather and sum fail on zero rows); act(0 rows) is 0 rows
    if (rows === 0) return tf.zeros([0, outDim]) as Tensor2D;
    // padding (−1) gathers row 0, multiplied by 0; rows without padding skip the product
    const safe = new Int32Array(n);
    const keep = new Float32Array(n);
    let padded = false;
    for (let i = 0; i < n; i++) {
      const c = columns[i]!;
      safe[i] = Math.max(c, 0);
      keep[i] = c < 0 ? 0 : 1;
      padded ||= c < 0;
    }
    let picked = tf.gather(w, tf.tensor1d(safe, 'int32')) as Tensor2D;
    if (padded) picked = tf.mul(picked, tf.tensor2d(keep, [n, 1]));
    const z = tf.add(tf.sum(tf.reshape(picked, [rows, perRow, outDim]), 1), b) as Tensor2D;
    return activation === 'relu' ? tf.relu(z) : activation === 'tanh' ? tf.tanh(z) : z;
  });
}

/** dW (`inDim x outDim`) of few-hot rows: dz's row r added into the weight row of each of r's columns. */
export function scatterAddRows(dz: Float32Array, { columns, perRow }: FewHotRows, inDim: number, outDim: number): Float32Array {
  const dw = new Float32Array(inDim * outDim);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (c < 0) continue;
    const src = Math.floor(i / perRow) * outDim;
    const dst = c * outDim;
    for (let o = 0; o < outDim; o++) dw[dst + o]! += dz[src + o]!;
  }
  return dw;
}
