/** Conjugate gradients on a matrix given by its products (TRPO's matrix-free solver), and the dot product it uses. */

/** Solves A x = b approximately by conjugate gradients from x = 0 (float64). */
export function conjugateGradient(product: (v: Float64Array) => Float64Array, b: Float64Array, iterations: number, tolerance: number): Float64Array {
  const x = new Float64Array(b.length);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  // the residual is checked before every iteration: b = 0 (or an exact solve) must not give 0/0
  for (let i = 0; i < iterations && rr > tolerance; i++) {
    const ap = product(p);
    const pAp = dot(p, ap);
    if (!(pAp > 0)) break; // direction of zero (or negative) curvature: nothing more to gain
    const alpha = rr / pAp;
    // x, r and r·r in one pass (the sum runs in the order of dot's)
    let rrNew = 0;
    for (let k = 0; k < x.length; k++) {
      x[k]! += alpha * p[k]!;
      const rk = (r[k]! -= alpha * ap[k]!);
      rrNew += rk * rk;
    }
    if (rrNew < tolerance) break;
    const beta = rrNew / rr;
    for (let k = 0; k < p.length; k++) p[k] = r[k]! + beta * p[k]!;
    rr = rrNew;
  }
  return x;
}

/** a · b (float64 sum in index order). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}
