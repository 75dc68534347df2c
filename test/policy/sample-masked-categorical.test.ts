import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { type ExplorationOptions, sampleMaskedCategorical } from '../../core/policy/categorical.js';

/**
 * The sampler's draw as written before it skipped masked entries and the identities of
 * temperature 1 and ε = 0: every action visited three times, the general formula throughout.
 */
function definition(logits: Float32Array, mask: Uint8Array, nActions: number, rng: Rng, { epsilon: eps, temperature }: ExplorationOptions): Int32Array {
  const rows = mask.length / nActions;
  const invT = 1 / temperature;
  return Int32Array.from({ length: rows }, (_, r) => {
    const actions = Array.from({ length: nActions }, (_, a) => a);
    const allowed = (a: number): boolean => mask[r * nActions + a] === 1;
    const tempered = actions.map((a) => logits[r * nActions + a]! * invT);
    const max = Math.max(...actions.filter(allowed).map((a) => tempered[a]!));
    const exps = actions.map((a) => (allowed(a) ? Math.exp(tempered[a]! - max) : 0));
    const z = exps.reduce((sum, e) => sum + e, 0);
    const nAllowed = actions.filter(allowed).length;
    let u = rng.uniform();
    let chosen = -1;
    for (const a of actions.filter(allowed)) {
      const p = (1 - eps) * (exps[a]! / z) + eps / nAllowed;
      chosen = a;
      if (u < p) break;
      u -= p;
    }
    return chosen;
  });
}

/** Random logits (some large, so that exps underflow) and masks with `allowedShare` of the actions allowed, at least one per row. */
function batch(rows: number, nActions: number, allowedShare: number, seed: number): { logits: Float32Array; mask: Uint8Array } {
  const rng = new Rng(seed);
  const logits = Float32Array.from({ length: rows * nActions }, () => (rng.uniform() - 0.5) * (rng.uniform() < 0.05 ? 400 : 8));
  const mask = Uint8Array.from({ length: rows * nActions }, () => (rng.uniform() < allowedShare ? 1 : 0));
  for (let r = 0; r < rows; r++) mask[r * nActions + rng.int(nActions)] = 1;
  return { logits, mask };
}

describe('sampleMaskedCategorical', () => {
  it.each([
    ['P_F itself', 0, 1],
    ['ε-mixed', 0.1, 1],
    ['tempered', 0, 2.5],
    ['tempered and ε-mixed', 0.3, 0.7],
  ] as const)('draws what the definition draws, from the same stream positions (%s)', (_name, epsilon, temperature) => {
    for (const [rows, nActions, share] of [
      [64, 3, 1],
      [40, 101, 0.1],
      [16, 3841, 0.5],
      [32, 257, 0.02],
    ] as const) {
      const { logits, mask } = batch(rows, nActions, share, rows + nActions);
      const [a, b] = [new Rng(9), new Rng(9)];
      for (let round = 0; round < 5; round++) {
        const expected = definition(logits, mask, nActions, a, { epsilon, temperature });
        expect(sampleMaskedCategorical(logits, mask, nActions, b, { epsilon, temperature })).toEqual(expected);
      }
      expect(b.getState()).toEqual(a.getState());
    }
  });

  it('names the row without an allowed action', () => {
    const mask = new Uint8Array([1, 0, 0, 0]);
    expect(() => sampleMaskedCategorical(new Float32Array(4), mask, 2, new Rng(1))).toThrow('no allowed action in row 1');
  });
});
