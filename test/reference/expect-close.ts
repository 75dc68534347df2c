import { expect } from 'vitest';

/** Numbers, flat or nested one level ([t][i] matrices). */
export type Numeric = ArrayLike<number> | readonly (readonly number[])[] | number;

function flatten(v: Numeric): number[] {
  if (typeof v === 'number') return [v];
  const arr = Array.from(v as ArrayLike<number | readonly number[]>);
  return arr.flatMap((x) => (typeof x === 'number' ? [x] : Array.from(x)));
}

/**
 * Relative error ≤ `rel` entry by entry; entries near 0 (where a relative bound means nothing in
 * float32) get an absolute tolerance of 1e-5 × the largest expected magnitude.
 */
export function expectClose(actual: Numeric, expected: Numeric, rel = 1e-4, label = 'value'): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect(a.length, `${label}: length`).toBe(e.length);
  const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const absTol = 1e-5 * scale;
  const bad: string[] = [];
  for (let k = 0; k < e.length; k++) {
    const tol = Math.max(rel * Math.abs(e[k]!), absTol);
    if (!(Math.abs(a[k]! - e[k]!) <= tol)) bad.push(`[${k}] actual ${a[k]} expected ${e[k]}`);
  }
  expect(bad, `${label}: ${bad.length} of ${e.length} entries out of tolerance`).toEqual([]);
}
