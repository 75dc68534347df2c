/**
 * Test helper: the Transformer estimator evaluated in float64 by plain loops from its flat
 * parameters (variables order), written from the definitions in the layer files' comments — an
 * independent reference for the tensor implementation and for finite differences.
 */
import type { TransformerShape } from '../../core/tensor/transformer.js';

const EPS = 1e-5;

/** Reads consecutive blocks of a flat parameter vector. */
class Reader {
  private off = 0;
  constructor(private readonly params: ArrayLike<number>) {}
  take(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.params[this.off + i]!;
    this.off += n;
    return out;
  }
  get consumed(): number {
    return this.off;
  }
}

/** y[r] = x[r] W + b for `rows` rows, W given [in][out]. */
function affine(x: Float64Array, rows: number, w: Float64Array, b: Float64Array, din: number, dout: number): Float64Array {
  const y = new Float64Array(rows * dout);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < dout; o++) {
      let z = b[o]!;
      for (let i = 0; i < din; i++) z += x[r * din + i]! * w[i * dout + o]!;
      y[r * dout + o] = z;
    }
  }
  return y;
}

function layerNorm(x: Float64Array, rows: number, d: number, g: Float64Array, b: Float64Array): Float64Array {
  const y = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[r * d + i]!;
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) v += (x[r * d + i]! - mean) ** 2;
    v /= d;
    const s = 1 / Math.sqrt(v + EPS);
    for (let i = 0; i < d; i++) y[r * d + i] = (x[r * d + i]! - mean) * s * g[i]! + b[i]!;
  }
  return y;
}

function activate(x: Float64Array, activation: TransformerShape['activation']): Float64Array {
  return x.map((z) => (activation === 'relu' ? Math.max(z, 0) : activation === 'tanh' ? Math.tanh(z) : z));
}

/** Unmasked multi-head self-attention of one sequence's P tokens given their q|k|v rows (`P x 3d`). */
function attend(qkv: Float64Array, P: number, d: number, heads: number): Float64Array {
  const dk = d / heads;
  const out = new Float64Array(P * d);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < P; i++) {
      const s = new Float64Array(P);
      for (let j = 0; j < P; j++) {
        let dot = 0;
        for (let c = 0; c < dk; c++) dot += qkv[i * 3 * d + h * dk + c]! * qkv[j * 3 * d + d + h * dk + c]!;
        s[j] = dot / Math.sqrt(dk);
      }
      const m = Math.max(...s);
      let z = 0;
      for (let j = 0; j < P; j++) z += s[j] = Math.exp(s[j]! - m);
      for (let c = 0; c < dk; c++) {
        let o = 0;
        for (let j = 0; j < P; j++) o += (s[j]! / z) * qkv[j * 3 * d + 2 * d + h * dk + c]!;
        out[i * d + h * dk + c] = o;
      }
    }
  }
  return out;
}

/** The network's outputs (`rows x outputDim`) in float64 for parameters `params`. */
export function transformer64(shape: TransformerShape, params: ArrayLike<number>, obs: Float32Array, rows: number): Float64Array {
  const { positions: P, vocabulary: V } = shape.layout;
  const { width: d, ffWidth: f, heads } = shape;
  const read = new Reader(params);
  const token = read.take(V * d);
  const empty = read.take(d);
  const position = read.take(P * d);
  const N = rows * P;
  let t = new Float64Array(N * d);
  for (let n = 0; n < N; n++) {
    const p = n % P;
    let filled = 0;
    for (let v = 0; v < V; v++) filled += obs[n * V + v]!;
    for (let c = 0; c < d; c++) {
      let e = (1 - filled) * empty[c]! + position[p * d + c]!;
      for (let v = 0; v < V; v++) e += obs[n * V + v]! * token[v * d + c]!;
      t[n * d + c] = e;
    }
  }
  for (let l = 0; l < shape.layers; l++) {
    const [g1, b1] = [read.take(d), read.take(d)];
    const [wqkv, bqkv] = [read.take(d * 3 * d), read.take(3 * d)];
    const [wo, bo] = [read.take(d * d), read.take(d)];
    const [g2, b2] = [read.take(d), read.take(d)];
    const [w1, c1] = [read.take(d * f), read.take(f)];
    const [w2, c2] = [read.take(f * d), read.take(d)];
    const qkv = affine(layerNorm(t, N, d, g1, b1), N, wqkv, bqkv, d, 3 * d);
    const heads64 = new Float64Array(N * d);
    for (let r = 0; r < rows; r++) heads64.set(attend(qkv.subarray(r * P * 3 * d, (r + 1) * P * 3 * d), P, d, heads), r * P * d);
    const a = affine(heads64, N, wo, bo, d, d);
    t = t.map((x, i) => x + a[i]!);
    const ff = affine(activate(affine(layerNorm(t, N, d, g2, b2), N, w1, c1, d, f), shape.activation), N, w2, c2, f, d);
    t = t.map((x, i) => x + ff[i]!);
  }
  const normed = layerNorm(t, N, d, read.take(d), read.take(d));
  if (shape.readout === 'position') return positionReadout64(shape, read, normed, rows);
  // flatten: row r's P tokens are contiguous, so `normed` already is rows x (P·d); mean: average them
  const mean = shape.readout === 'mean';
  const inDim = mean ? d : P * d;
  const features = mean ? new Float64Array(rows * d) : normed;
  if (mean) for (let n = 0; n < N; n++) for (let c = 0; c < d; c++) features[Math.floor(n / P) * d + c]! += normed[n * d + c]! / P;
  const out = affine(features, rows, read.take(inDim * shape.outputDim), read.take(shape.outputDim), inDim, shape.outputDim);
  if (read.consumed !== params.length) throw new Error(`transformer64: read ${read.consumed} of ${params.length} parameters`);
  return out;
}

/**
 * `position` readout: logit of action `symbol·P + position` = token[position] · W[:, symbol] + b[symbol]
 * with one `d x V` head for all positions; the exit logit (outputDim = P·V + 1) reads the tokens' mean.
 */
function positionReadout64(shape: TransformerShape, read: Reader, normed: Float64Array, rows: number): Float64Array {
  const { positions: P, vocabulary: V } = shape.layout;
  const d = shape.width;
  const [w, b] = [read.take(d * V), read.take(V)];
  const hasExit = shape.outputDim === P * V + 1;
  const [we, be] = hasExit ? [read.take(d), read.take(1)] : [new Float64Array(0), new Float64Array(0)];
  const out = new Float64Array(rows * shape.outputDim);
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < P; p++) {
      for (let v = 0; v < V; v++) {
        let z = b[v]!;
        for (let c = 0; c < d; c++) z += normed[(r * P + p) * d + c]! * w[c * V + v]!;
        out[r * shape.outputDim + v * P + p] = z;
      }
    }
    if (hasExit) {
      let z = be[0]!;
      for (let c = 0; c < d; c++) {
        let m = 0;
        for (let p = 0; p < P; p++) m += normed[(r * P + p) * d + c]! / P;
        z += m * we[c]!;
      }
      out[r * shape.outputDim + P * V] = z;
    }
  }
  return out;
}
