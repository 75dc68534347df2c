import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { simplexLattice } from '../../core/env/condition/preference-config.js';
import { r2Indicator, topKDiversity } from '../../core/evaluation/multi-objective-metrics.js';
import { dominates, hypervolume, paretoFront } from '../../core/evaluation/pareto.js';

/** `n` points of `k` integer objectives in [0, top] (ties and duplicates likely). */
function latticePoints(n: number, k: number, top: number, rng: Rng): number[] {
  return Array.from({ length: n * k }, () => Math.floor(rng.uniform() * (top + 1)));
}

/** The front by the definition: every row no other row dominates, duplicates kept once (first). */
function bruteFront(points: number[], k: number): number[] {
  const n = points.length / k;
  const same = (a: number, b: number) => points.slice(a * k, a * k + k).every((v, j) => v === points[b * k + j]);
  return Array.from({ length: n }, (_, i) => i).filter(
    (i) => !Array.from({ length: n }, (_, j) => j).some((j) => dominates(points, k, j, i) || (j < i && same(i, j))),
  );
}

/** The dominated volume above the origin of integer points by counting the unit cells [c, c+1)^k some point covers. */
function cellCount(points: number[], k: number, top: number): number {
  let count = 0;
  const cell = new Array<number>(k).fill(0);
  const total = top ** k;
  for (let index = 0; index < total; index++) {
    let rest = index;
    for (let j = 0; j < k; j++) {
      cell[j] = rest % top;
      rest = Math.floor(rest / top);
    }
    const n = points.length / k;
    for (let i = 0; i < n; i++) {
      if (cell.every((c, j) => points[i * k + j]! >= c + 1)) {
        count++;
        break;
      }
    }
  }
  return count;
}

describe('Pareto fronts and hypervolumes against brute force', () => {
  for (const k of [2, 3]) {
    it(`${k} objectives: the front equals the O(n²) dominance check, 200 random sets with ties`, () => {
      const rng = new Rng(k);
      for (let t = 0; t < 200; t++) {
        const points = latticePoints(1 + Math.floor(rng.uniform() * 30), k, 6, rng);
        expect(Array.from(paretoFront(points, k))).toEqual(bruteFront(points, k));
      }
    });

    it(`${k} objectives: the hypervolume above the origin equals the count of dominated unit cells`, () => {
      const rng = new Rng(10 + k);
      for (let t = 0; t < 50; t++) {
        const points = latticePoints(1 + Math.floor(rng.uniform() * 25), k, 8, rng);
        expect(hypervolume(points, k, new Array(k).fill(0))).toBe(cellCount(points, k, 8));
      }
    });
  }

  it('a reference point: rows not above it add nothing, the others only what lies above it', () => {
    // 2-D: (3,1) and (1,3) above (0,0): 3 + 3 − 1 = 5; above (1,0) only (3,1) counts on [1,3]x[0,1] plus (1,3) nothing
    expect(hypervolume([3, 1, 1, 3], 2, [0, 0])).toBe(5);
    expect(hypervolume([3, 1, 1, 3], 2, [1, 0])).toBe(2);
    expect(hypervolume([0.5, 0.5], 2, [1, 1])).toBe(0);
  });

  it('the 3-D hypervolume of real-valued points matches a Monte-Carlo estimate', () => {
    const rng = new Rng(7);
    const points = Array.from({ length: 24 }, () => rng.uniform());
    const exact = hypervolume(points, 3, [0, 0, 0]);
    const n = 200_000;
    let hits = 0;
    for (let s = 0; s < n; s++) {
      const z = [rng.uniform(), rng.uniform(), rng.uniform()];
      for (let i = 0; i < 8; i++) {
        if (z.every((v, j) => points[i * 3 + j]! >= v)) {
          hits++;
          break;
        }
      }
    }
    // four standard errors of a proportion
    expect(Math.abs(hits / n - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / n));
  });
});

describe('R2 and top-k diversity', () => {
  it('R2 is the mean over the weight lattice of the best Tchebycheff distance to the ideal point', () => {
    // one point (0.5, 1) with ideal (1, 1): for λ = (λ1, λ2), max(λ1·0.5, 0) = λ1/2; lattice step ½: λ1 ∈ {1, ½, 0}
    expect(r2Indicator([0.5, 1], 2, [1, 1], 2)).toBeCloseTo((0.5 + 0.25 + 0) / 3, 15);
    // adding (1, 0.5) covers the other end: λ = (½, ½) → min(¼, ¼) = ¼; λ = (0, 1) → 0 from the first, (1, 0) → 0 from the second
    expect(r2Indicator([0.5, 1, 1, 0.5], 2, [1, 1], 2)).toBeCloseTo(0.25 / 3, 15);
  });

  it('top-k diversity is the mean pairwise distance of the k best distinct states', () => {
    const states = Int32Array.from([0, 0, 5, 5, 0, 0, 1, 0, 9, 9]);
    const scores = [3, 2, 3, 1, -1];
    const l1 = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!);
    // distinct, best first: (0,0) 3, (5,5) 2, (1,0) 1 → pairs 10, 1, 9
    expect(topKDiversity(states, 2, scores, l1, 3)).toBeCloseTo(20 / 3, 15);
    expect(topKDiversity(states, 2, scores, l1, 1)).toBe(0);
  });
});

describe('the simplex lattice of preferences', () => {
  it('holds every ω with entries in {0, 1/m, …, 1} summing to 1, once: C(m + k − 1, k − 1) of them', () => {
    const choose = (n: number, r: number): number => (r === 0 ? 1 : (choose(n - 1, r - 1) * n) / r);
    for (const [k, m] of [
      [2, 4],
      [3, 4],
      [3, 20],
      [4, 3],
    ] as const) {
      const lattice = simplexLattice(k, m);
      expect(lattice).toHaveLength(choose(m + k - 1, k - 1));
      expect(new Set(lattice.map(String)).size).toBe(lattice.length);
      for (const w of lattice) {
        expect(w).toHaveLength(k);
        expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
        for (const v of w) expect(Number.isInteger(Math.round(v * m)) && Math.abs(v * m - Math.round(v * m)) < 1e-9).toBe(true);
      }
    }
    expect(simplexLattice(2, 4)).toEqual([
      [1, 0],
      [0.75, 0.25],
      [0.5, 0.5],
      [0.25, 0.75],
      [0, 1],
    ]);
  });
});
