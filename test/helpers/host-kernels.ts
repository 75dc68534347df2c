import type { DenseChainGradients, DenseChainKernels, DenseLayerValues } from '../../core/tensor/dense-chain.js';

/**
 * Training kernels in plain JavaScript (float64 sums, float32 results): a second, independent
 * implementation of the dense chain for tests of the engine machinery that must not depend on a
 * native package. `flaw` breaks one thing on purpose, as a changed native library might.
 */
export function hostKernels(name: string, flaw?: 'no-activation-derivative'): DenseChainKernels {
  const act = (z: number, a: DenseLayerValues['activation']): number => (a === 'relu' ? Math.max(0, z) : a === 'tanh' ? Math.tanh(z) : z);
  const slope = (h: number, a: DenseLayerValues['activation']): number => (a === 'relu' ? (h > 0 ? 1 : 0) : a === 'tanh' ? 1 - h * h : 1);
  return {
    name,
    forward: (layers, x, rows) => {
      const hidden: Float32Array[] = [];
      let input = x;
      for (const l of layers) {
        const out = new Float32Array(rows * l.outDim);
        for (let r = 0; r < rows; r++)
          for (let o = 0; o < l.outDim; o++) {
            let z = l.bias[o]!;
            for (let i = 0; i < l.inDim; i++) z += input[r * l.inDim + i]! * l.weight[i * l.outDim + o]!;
            out[r * l.outDim + o] = act(z, l.activation);
          }
        hidden.push(out);
        input = out;
      }
      return { y: input, hidden };
    },
    backward: (layers, x, hidden, dy, rows): DenseChainGradients => {
      const weights: Float32Array[] = [];
      const biases: Float32Array[] = [];
      let dh = Float64Array.from(dy);
      for (let k = layers.length - 1; k >= 0; k--) {
        const l = layers[k]!;
        const h = hidden[k]!;
        const input = k === 0 ? x : hidden[k - 1]!;
        const dz = dh.map((d, j) => (flaw === 'no-activation-derivative' ? d : d * slope(h[j]!, l.activation)));
        const dw = new Float32Array(l.inDim * l.outDim);
        const db = new Float32Array(l.outDim);
        const dIn = new Float64Array(rows * l.inDim);
        for (let r = 0; r < rows; r++)
          for (let o = 0; o < l.outDim; o++) {
            const d = dz[r * l.outDim + o]!;
            db[o] = db[o]! + d;
            for (let i = 0; i < l.inDim; i++) {
              dw[i * l.outDim + o] = dw[i * l.outDim + o]! + input[r * l.inDim + i]! * d;
              dIn[r * l.inDim + i] = dIn[r * l.inDim + i]! + d * l.weight[i * l.outDim + o]!;
            }
          }
        weights[k] = dw;
        biases[k] = db;
        dh = dIn;
      }
      return { weights, biases };
    },
    dispose: () => undefined,
  };
}
