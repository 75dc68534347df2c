/**
 * Pareto fronts and hypervolumes of points in objective space, every objective to be maximised.
 * Points are flat `n x k` rows (row-major).
 */

/** Whether row `a` dominates row `b`: at least as good in every objective and better in one. */
export function dominates(points: ArrayLike<number>, k: number, a: number, b: number): boolean {
  let better = false;
  for (let j = 0; j < k; j++) {
    const [x, y] = [points[a * k + j]!, points[b * k + j]!];
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

/**
 * The rows of the Pareto front: no other row dominates them; of identical rows, the first. For
 * k = 2 a sort and one sweep (O(n log n)); otherwise the pairwise check among the candidates
 * (O(n²) at worst).
 */
export function paretoFront(points: ArrayLike<number>, k: number): Int32Array {
  const n = points.length / k;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    for (let j = 0; j < k; j++) {
      const d = points[b * k + j]! - points[a * k + j]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
  const front: number[] = [];
  if (k === 2) {
    // by objective 0 descending (ties: objective 1 descending), a row is on the front iff its objective 1 beats every earlier row's
    let best = -Infinity;
    for (const i of order) {
      if (points[i * 2 + 1]! > best) {
        front.push(i);
        best = points[i * 2 + 1]!;
      }
    }
  } else {
    // in lexicographic descending order no row is dominated by a later one, so the front so far is enough to check against
    for (const i of order) {
      if (front.some((f) => dominates(points, k, f, i) || sameRow(points, k, f, i))) continue;
      front.push(i);
    }
  }
  return Int32Array.from(front.sort((a, b) => a - b));
}

function sameRow(points: ArrayLike<number>, k: number, a: number, b: number): boolean {
  for (let j = 0; j < k; j++) if (points[a * k + j] !== points[b * k + j]) return false;
  return true;
}

/**
 * The hypervolume of `points`: the measure of the region they dominate above the reference point
 * `ref` (each objective's lower end), ∪_y Π_j [ref_j, y_j]. Rows not above `ref` in every objective
 * add nothing. Exact, by slicing along the last objective and recursing on the others (2-D: one
 * sweep of the front, O(n log n); 3-D: O(n² log n)).
 */
export function hypervolume(points: ArrayLike<number>, k: number, ref: ArrayLike<number>): number {
  const rows: number[][] = [];
  for (let i = 0; i < points.length / k; i++) {
    const row = Array.from({ length: k }, (_, j) => points[i * k + j]!);
    if (row.every((v, j) => v > ref[j]!)) rows.push(row);
  }
  return sliced(rows, Array.from(ref));
}

function sliced(rows: number[][], ref: number[]): number {
  if (rows.length === 0) return 0;
  const k = ref.length;
  if (k === 1) return Math.max(...rows.map((r) => r[0]!)) - ref[0]!;
  if (k === 2) return sweep2d(rows, ref);
  const last = k - 1;
  const sorted = [...rows].sort((a, b) => b[last]! - a[last]!);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    // the slab between this row's last objective and the next lower one is dominated by the rows so far
    const top = sorted[i]![last]!;
    const bottom = i + 1 < sorted.length ? sorted[i + 1]![last]! : ref[last]!;
    if (top > bottom)
      volume +=
        (top - bottom) *
        sliced(
          sorted.slice(0, i + 1).map((r) => r.slice(0, last)),
          ref.slice(0, last),
        );
  }
  return volume;
}

/** 2-D: along objective 0 descending, each row that raises objective 1 adds the strip it alone dominates. */
function sweep2d(rows: number[][], ref: number[]): number {
  const sorted = [...rows].sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]!);
  let volume = 0;
  let reached = ref[1]!;
  for (const [x, y] of sorted) {
    if (y! > reached) {
      volume += (x! - ref[0]!) * (y! - reached);
      reached = y!;
    }
  }
  return volume;
}
