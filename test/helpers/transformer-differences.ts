import type { Variable } from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { flattenValues } from '../../core/tensor/flat-params.js';
import type { TransformerShape } from '../../core/tensor/transformer.js';
import { transformer64 } from '../tensor/float64-transformer.js';

/**
 * Expects `gradients` (one per variable, variables order) of Σ y ⊙ u, y the Transformer's outputs
 * at observations `obs` (`rows` rows), to equal central differences of the float64 network
 * (`float64-transformer.ts`) at the variables' values: relative 1e-3 with a 0.05 absolute floor
 * (float32 gradients against a float64 reference), every entry of every variable; and every
 * variable's gradient to be nonzero somewhere (a gradient zero everywhere would hide a disconnected table).
 */
export function expectCentralDifferences(
  shape: TransformerShape,
  variables: readonly Variable[],
  gradients: ReadonlyArray<ArrayLike<number>>,
  obs: Float32Array,
  rows: number,
  u: Float32Array,
): void {
  const theta = flattenValues(variables);
  const loss = (p: Float64Array): number => transformer64(shape, p, obs, rows).reduce((s, y, i) => s + y * u[i]!, 0);
  const h = 1e-6;
  let off = 0;
  variables.forEach((v, i) => {
    const g = gradients[i]!;
    expect(g.length).toBe(v.size);
    for (let k = 0; k < v.size; k++) {
      const plus = theta.slice();
      const minus = theta.slice();
      plus[off + k]! += h;
      minus[off + k]! -= h;
      const fd = (loss(plus) - loss(minus)) / (2 * h);
      expect(Math.abs(g[k]! - fd), `${v.name}[${k}]: ${g[k]} vs ${fd}`).toBeLessThan(1e-3 * (Math.abs(fd) + 0.05));
    }
    expect(Math.max(...Array.from(g, Math.abs)), v.name).toBeGreaterThan(0);
    off += v.size;
  });
  expect(off).toBe(theta.length);
}
