import { expect } from 'vitest';
import type { Transitions } from '../../core/sampling/transitions.js';

/** Numbers, flat or nested ([t][i] matrices). */
export type Numeric = number | ArrayLike<number> | readonly Numeric[];

function flatten(x: Numeric): number[] {
  if (typeof x === 'number') return [x];
  const out: number[] = [];
  for (let k = 0; k < x.length; k++) out.push(...flatten((x as ArrayLike<Numeric>)[k]!));
  return out;
}

/** Largest errors seen for one label. */
export interface ErrorRecord {
  maxRel: number;
  maxAbsOverScale: number;
}

/**
 * Element-wise |actual − expected| ≤ max(rel·|expected|, 1e-5·max|expected|): relative for
 * float32 against the float64 reference, with an absolute fallback of 1e-5 times the largest
 * expected magnitude for entries near 0 (sums that cancel, centred advantages). When `report` is
 * given, the largest errors per label are recorded in it.
 */
export function expectClose(actual: Numeric, expected: Numeric, rel = 1e-4, label = 'value', report?: Map<string, ErrorRecord>): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect(a.length, `${label}: length`).toBe(e.length);
  const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const absTol = 1e-5 * scale;
  const bad: string[] = [];
  let maxRel = 0;
  let maxAbs = 0;
  for (let k = 0; k < e.length; k++) {
    const diff = Math.abs(a[k]! - e[k]!);
    const tol = Math.max(rel * Math.abs(e[k]!), absTol);
    if (!(diff <= tol)) bad.push(`[${k}] actual ${a[k]} expected ${e[k]} (|diff| ${diff.toExponential(3)} > tol ${tol.toExponential(3)})`);
    if (rel * Math.abs(e[k]!) >= absTol && e[k] !== 0) maxRel = Math.max(maxRel, diff / Math.abs(e[k]!));
    if (scale > 0) maxAbs = Math.max(maxAbs, diff / scale);
  }
  if (report) {
    const prev = report.get(label) ?? { maxRel: 0, maxAbsOverScale: 0 };
    report.set(label, { maxRel: Math.max(prev.maxRel, maxRel), maxAbsOverScale: Math.max(prev.maxAbsOverScale, maxAbs) });
  }
  expect(bad, `${label}: ${bad.length} of ${e.length} entries out of tolerance`).toEqual([]);
}

/** Scatters per-row values of gathered transitions (rows `rows`) into a padded `[t][i]` matrix, 0 elsewhere. */
export function scatterToTimeByTraj(tr: Transitions, values: ArrayLike<number>, rows: ArrayLike<number>, maxSteps: number, nTraj: number): number[][] {
  const m = Array.from({ length: maxSteps }, () => new Array<number>(nTraj).fill(0));
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    m[tr.time[r]!]![tr.traj[r]!] = values[k]!;
  }
  return m;
}

/** 0, 1, …, n − 1. */
export function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, k) => k);
}
