/**
 * Test helpers for FiLM networks: the network in float64 with plain loops from its flat parameters
 * (an independent reference for {@link FilmMlp}), and random modulations (they start at zero).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/base/rng.js';
import type { FilmMlp } from '../../core/tensor/film-mlp.js';

/**
 * The FiLM MLP in float64, parameters flat in its `variables` order (per layer: W [in][out], b,
 * then for a hidden layer Γ [feature][out] and Β [feature][out]):
 * h = act((1 + f Γ) ⊙ (h W + b) + f Β), f = the input's condition columns; the output layer linear.
 */
export function filmLogits64(net: FilmMlp, params: ArrayLike<number>, obs: ArrayLike<number>, rows: number): Float64Array {
  const { inputDim, hidden, outputDim, activation, condition } = net.shape;
  const dims = [inputDim, ...hidden, outputDim];
  const k = condition.width;
  let h = Float64Array.from(obs);
  let off = 0;
  for (let l = 0; l + 1 < dims.length; l++) {
    const [din, dout] = [dims[l]!, dims[l + 1]!];
    const last = l + 2 === dims.length;
    const w = off;
    const b = w + din * dout;
    const g = b + dout;
    const s = g + k * dout;
    off = last ? g : s + k * dout;
    const out = new Float64Array(rows * dout);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < dout; o++) {
        let z = params[b + o]!;
        for (let i = 0; i < din; i++) z += h[r * din + i]! * params[w + i * dout + o]!;
        if (last) {
          out[r * dout + o] = z;
          continue;
        }
        let gamma = 1;
        let shift = 0;
        for (let j = 0; j < k; j++) {
          const f = obs[r * inputDim + condition.start + j]!;
          gamma += f * params[g + j * dout + o]!;
          shift += f * params[s + j * dout + o]!;
        }
        const m = gamma * z + shift;
        out[r * dout + o] = activation === 'relu' ? Math.max(m, 0) : activation === 'tanh' ? Math.tanh(m) : m;
      }
    }
    h = out;
  }
  return h;
}

/** Gives every modulation of `net` random Γ and Β in [−scale, scale] (they start at zero, where γ = 1, β = 0). */
export function randomizeFilm(net: FilmMlp, rng: Rng, scale = 0.5): void {
  for (const film of net.films) {
    for (const v of film.variables) {
      const values = Float32Array.from({ length: v.size }, () => (2 * rng.uniform() - 1) * scale);
      tf.tidy(() => v.assign(tf.tensor2d(values, v.shape as [number, number])));
    }
  }
}
