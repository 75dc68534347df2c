/**
 * The small dense linear algebra the BGe score needs: Cholesky factors and log-determinants of
 * symmetric positive-definite matrices, stored row-major in `Float64Array`s.
 */

/**
 * Lower-triangular L with A = L·Lᵀ (row-major n x n, upper triangle zero). Only the lower triangle
 * of `a` is read. Throws when A is not (numerically) positive definite, naming the failing pivot:
 * for the BGe score that means the data's scatter matrix plus prior is degenerate, which a
 * log-determinant must not hide by returning NaN.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`cholesky: expected ${n}x${n} = ${n * n} entries, got ${a.length}`);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diag = a[j * n + j]!;
    for (let k = 0; k < j; k++) diag -= l[j * n + k]! ** 2;
    if (!(diag > 0)) {
      throw new Error(`cholesky: matrix is not positive definite (pivot ${j} of ${n} is ${diag}); check the data for constant or duplicated columns`);
    }
    const ljj = Math.sqrt(diag);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** log|A| of a symmetric positive-definite matrix: 2·Σ log diag(L) with L its Cholesky factor; 0 for n = 0. */
export function logDetPositiveDefinite(a: Float64Array, n: number): number {
  const l = cholesky(a, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]!);
  return 2 * s;
}

/** The square submatrix A[idx, idx] (rows and columns `indices`, in that order) of a row-major n x n matrix. */
export function principalSubmatrix(a: Float64Array, n: number, indices: readonly number[]): Float64Array {
  const k = indices.length;
  const out = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) out[r * k + c] = a[indices[r]! * n + indices[c]!]!;
  return out;
}
