import { describe, expect, it } from 'vitest';
import { uniqueRows } from '../../core/policy/unique-states.js';
import { Rng } from '../../core/base/rng.js';

/** Reference: distinct rows by their joined text, in order of first occurrence. */
function reference(states: Int32Array, dim: number): { unique: number[]; inverse: number[] } {
  const index = new Map<string, number>();
  const unique: number[] = [];
  const inverse: number[] = [];
  for (let r = 0; r < states.length / dim; r++) {
    const row = Array.from(states.subarray(r * dim, r * dim + dim));
    const key = row.join(',');
    if (!index.has(key)) {
      index.set(key, index.size);
      unique.push(...row);
    }
    inverse.push(index.get(key)!);
  }
  return { unique, inverse };
}

describe('uniqueRows', () => {
  it.each([
    [2, 20_000, 40],
    [9, 5_000, 2],
    [400, 2_000, 2],
  ])('matches the text-key reference (dim %i, %i rows, values < %i)', (dim, n, range) => {
    const rng = new Rng(dim);
    // draw from a small pool of rows so that many repeat, plus -1 paddings and large values
    const pool = Array.from({ length: 300 }, () =>
      Int32Array.from({ length: dim }, () => (rng.uniform() < 0.05 ? -1 : rng.int(range) * (rng.uniform() < 0.01 ? 1e6 : 1))),
    );
    const states = new Int32Array(n * dim);
    for (let r = 0; r < n; r++) states.set(pool[rng.int(pool.length)]!, r * dim);
    const got = uniqueRows(states, dim);
    const want = reference(states, dim);
    expect(Array.from(got.unique)).toEqual(want.unique);
    expect(Array.from(got.inverse)).toEqual(want.inverse);
  });

  it('an empty batch has no rows', () => {
    const got = uniqueRows(new Int32Array(0), 3);
    expect(got.unique.length).toBe(0);
    expect(got.inverse.length).toBe(0);
  });
});
