import type { Activation } from './dense.js';
import type { TokenLayout } from './token-embedding.js';

/** Readouts of a Transformer (`core/tensor/transformer.ts`). */
export const TRANSFORMER_READOUTS = ['flatten', 'mean', 'position'] as const;
export type TransformerReadout = (typeof TRANSFORMER_READOUTS)[number];

/** Shape of a Transformer (`core/tensor/transformer.ts`). */
export interface TransformerShape {
  /** How the observation splits into tokens: `inputDim = positions · vocabulary`. */
  layout: TokenLayout;
  outputDim: number;
  /** Number of encoder blocks. */
  layers: number;
  heads: number;
  /** Token width; a multiple of `heads`. */
  width: number;
  /** Hidden width of each block's feed-forward network. */
  ffWidth: number;
  activation: Activation;
  /**
   * What the linear readout reads: `flatten`, the `positions · width` concatenated tokens (default);
   * `mean`, their `width`-wide average (positions·fewer readout weights; see the class comment);
   * `position`, a per-position head (see `PositionReadout`; only for `outputDim` =
   * positions · vocabulary, plus one for an exit).
   */
  readout?: TransformerReadout;
}

/**
 * A Transformer's shape and its parameters as host arrays at one moment, in the order of its
 * `variables` (shapes: {@link transformerParameterDims}); row-major, dense weights `[in][out]`.
 * What an engine needs to run the network's inference pass outside the tensor backend.
 */
export interface TransformerValues {
  shape: TransformerShape;
  parameters: readonly Float32Array[];
}

/**
 * The dimensions of a Transformer's parameters in the order of its `variables`: the token,
 * empty and position tables; per block the attention LayerNorm's gain and bias, the qkv and
 * output layers' weight and bias, the feed-forward LayerNorm's gain and bias, the two
 * feed-forward layers' weight and bias; the final LayerNorm's gain and bias; the readout's weight
 * and bias (`position`: the shared head's, then the exit head's where `outputDim` has an exit).
 * The one statement of that order outside the classes, for engines that build the network anew.
 */
export function transformerParameterDims(shape: TransformerShape): number[][] {
  const { layout, width: W, ffWidth: F, outputDim } = shape;
  const { positions: P, vocabulary: V } = layout;
  const dense = (inDim: number, outDim: number): number[][] => [[inDim, outDim], [outDim]];
  const norm = [[W], [W]];
  const block = [...norm, ...dense(W, 3 * W), ...dense(W, W), ...norm, ...dense(W, F), ...dense(F, W)];
  const readout =
    shape.readout === 'position' ? [...dense(W, V), ...(outputDim === P * V + 1 ? dense(W, 1) : [])] : dense(shape.readout === 'mean' ? W : P * W, outputDim);
  return [[V, W], [1, W], [P, W], ...Array.from({ length: shape.layers }, () => block).flat(), ...norm, ...readout];
}
