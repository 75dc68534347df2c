/**
 * lnΓ(x), the natural log of the gamma function, for real x > 0 (and non-integer x < 0.5 through
 * the reflection formula).
 *
 * Lanczos approximation with g = 607/128 and 15 coefficients (Godfrey's set), evaluated in log
 * space so that large arguments do not overflow: lnΓ(x) = ½ln(2π) + (z + ½)·ln(t) − t + ln A(z),
 * z = x − 1, t = z + g + ½, A(z) = c₀ + Σ_{k≥1} c_k / (z + k). Relative error about 2e-14 wherever
 * |lnΓ(x)| is not close to 0 (near its roots x = 1 and x = 2 the absolute error is ~1e-15). The
 * BGe score only needs positive half-integers, but the function is general.
 */
const LANCZOS_G = 607 / 128;
const LANCZOS_COEFFICIENTS = [
  0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174, -0.49191381609762019978, 0.33994649984811888699e-4,
  0.46523628927048575665e-4, -0.98374475304879564677e-4, 0.15808870322491248884e-3, -0.21026444172410488319e-3, 0.2174396181152126432e-3,
  -0.16431810653676389022e-3, 0.84418223983852743293e-4, -0.2619083840158140867e-4, 0.36899182659531622704e-5,
] as const;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Natural log of |Γ(x)|; throws at the poles (x = 0, −1, −2, …) and for non-finite x. */
export function logGamma(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`logGamma: argument must be finite, got ${x}`);
  if (x <= 0 && Number.isInteger(x)) throw new Error(`logGamma: Γ has a pole at ${x}`);
  if (x < 0.5) {
    // reflection: Γ(x)·Γ(1 − x) = π / sin(πx); the series below is accurate only for x ≥ ½
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS_COEFFICIENTS[0];
  for (let k = 1; k < LANCZOS_COEFFICIENTS.length; k++) a += LANCZOS_COEFFICIENTS[k]! / (z + k);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
