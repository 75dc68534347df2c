/**
 * The corner regions of the HyperGrid reward: the 2^ndim orthants where every a_d = |s_d/(H−1) − ½|
 * exceeds ¼, which hold the R1 and R2 rewards (one mode region per corner). Sparse-reward training
 * is judged by whether P_T puts mass on every region, not just the one nearest to s0.
 */

/** A region holds P_T mass at least this fraction of its target mass to count as covered. */
export const REGION_COVERAGE_FRACTION = 0.1;

/**
 * Corner region of each state (flat `n x ndim`), or −1 for states in none: bit d of the index is
 * set when coordinate d is on the far side (s_d/(H−1) > ¾).
 */
export function cornerRegions(states: Int32Array, ndim: number, height: number): Int32Array {
  const n = states.length / ndim;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let region = 0;
    for (let d = 0; d < ndim; d++) {
      const u = states[i * ndim + d]! / (height - 1);
      if (u > 0.75) region |= 1 << d;
      else if (!(u < 0.25)) {
        region = -1;
        break;
      }
    }
    out[i] = region;
  }
  return out;
}

/**
 * Per-region coverage of a terminating distribution `pT` against the target (both over the same
 * state list): `regionsCovered` = regions whose P_T mass is at least {@link REGION_COVERAGE_FRACTION}
 * of their target mass, `regionsTotal` = 2^ndim, `regionMassMin` = the smallest ratio P_T(region) / target(region).
 */
export function regionCoverage(regions: Int32Array, ndim: number, pT: Float64Array, target: Float64Array): Record<string, number> {
  const total = 1 << ndim;
  const learned = new Float64Array(total);
  const wanted = new Float64Array(total);
  for (let k = 0; k < regions.length; k++) {
    const r = regions[k]!;
    if (r < 0) continue;
    learned[r]! += pT[k]!;
    wanted[r]! += target[k]!;
  }
  let covered = 0;
  let minRatio = Infinity;
  for (let r = 0; r < total; r++) {
    const ratio = learned[r]! / wanted[r]!;
    if (ratio >= REGION_COVERAGE_FRACTION) covered++;
    minRatio = Math.min(minRatio, ratio);
  }
  return { regionsCovered: covered, regionsTotal: total, regionMassMin: minRatio };
}
