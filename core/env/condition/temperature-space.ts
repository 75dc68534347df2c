import type { Rng } from '../../base/rng.js';
import type { ConditionConfig, ConditionEncoding } from './condition-config.js';
import type { ConditionSpace } from './condition-space.js';

/** 2^−126: where a float32 draw of β is floored, so that log β stays finite. */
const SMALLEST_NORMAL_FLOAT32 = 2 ** -126;

/**
 * The reward exponent β (an inverse temperature) as a condition: the target of condition β is
 * R(x)^β, i.e. log R_β(x) = β·log R(x); the networks see (log β, β). β = 1 is the environment's own
 * target, β → 0 flattens it towards uniform over the terminal states, large β concentrates it on
 * the modes.
 */
export class TemperatureSpace implements ConditionSpace {
  readonly names = ['beta'] as const;
  readonly featureDim = 2;
  readonly encoding: ConditionEncoding;
  readonly reference: Float32Array;
  readonly grid: readonly Float32Array[];

  private readonly beta: BetaConfig;

  constructor(private readonly config: ConditionConfig) {
    if (!config.beta) throw new Error('condition: a temperature condition needs condition.beta');
    this.beta = config.beta;
    this.encoding = config.encoding;
    this.reference = Float32Array.of(config.reference);
    this.grid = config.grid.map((b) => Float32Array.of(b));
  }

  draw(n: number, rng: Rng): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = drawBeta(this.beta, rng);
    return out;
  }

  features(values: Float32Array): Float32Array {
    const out = new Float32Array(values.length * 2);
    for (let i = 0; i < values.length; i++) {
      out[2 * i] = Math.log(values[i]!);
      out[2 * i + 1] = values[i]!;
    }
    return out;
  }

  logRewards(logR: Float64Array, values: Float32Array): Float64Array {
    // β·(−∞) = −∞: a zero reward stays zero at every temperature
    return logR.map((v, i) => values[i]! * v);
  }

  /**
   * R^β/Z_β = (R/Z)^β / Σ (R/Z)^β, and log Z_β = β·log Z + log Σ (R/Z)^β: from the environment's
   * own exact target, without asking for its rewards again.
   */
  target(distribution: Float64Array, logPartition: number, values: ArrayLike<number>): { distribution: Float64Array; logPartition: number } {
    const beta = values[0]!;
    let max = -Infinity;
    const logP = distribution.map((p) => {
      const v = p > 0 ? beta * Math.log(p) : -Infinity;
      if (v > max) max = v;
      return v;
    });
    let sum = 0;
    for (const v of logP) sum += Math.exp(v - max);
    const logSum = max + Math.log(sum);
    return { distribution: logP.map((v) => Math.exp(v - logSum)), logPartition: beta * logPartition + logSum };
  }

  residualWeights(values: Float32Array): Float32Array | undefined {
    return this.config.residualWeight === 'inverse-beta' ? values.map((b) => 1 / b) : undefined;
  }

  label(values: ArrayLike<number>): string {
    return `beta=${values[0]}`;
  }

  parse(given: Readonly<Record<string, number>>): Float32Array {
    const unknown = Object.keys(given).filter((k) => k !== 'beta');
    if (unknown.length > 0) throw new Error(`condition: unknown component ${JSON.stringify(unknown[0])}; valid components: beta`);
    return Float32Array.of(parseBeta(given.beta));
  }
}

/** The `beta` section of a conditional config that names one. */
export type BetaConfig = NonNullable<ConditionConfig['beta']>;

/** One β drawn from `beta`'s distribution (float32-safe: never 0). */
export function drawBeta(beta: BetaConfig, rng: Rng): number {
  let b: number;
  if (beta.distribution === 'uniform') b = beta.min! + (beta.max! - beta.min!) * rng.uniform();
  else if (beta.distribution === 'log-uniform') b = Math.exp(Math.log(beta.min!) + (Math.log(beta.max!) - Math.log(beta.min!)) * rng.uniform());
  else b = gammaDraw(beta.shape!, rng) * beta.scale!;
  // a draw that rounds to 0 in float32 (a gamma with a tiny shape) would have no log β
  return Math.fround(b) > 0 ? b : SMALLEST_NORMAL_FLOAT32;
}

/** A β given by name (`{ beta: 4 }`), checked. */
export function parseBeta(beta: number | undefined): number {
  if (beta === undefined) throw new Error('condition: component "beta" is required (this run is conditioned on the reward exponent β)');
  if (typeof beta !== 'number' || !Number.isFinite(beta) || !(Math.fround(beta) > 0))
    throw new Error(`condition: beta = ${String(beta)}: must be a finite number > 0`);
  return beta;
}

/**
 * One draw of Gamma(shape, 1): Marsaglia and Tsang's squeeze method (ACM TOMS 26(3), 2000) for
 * shape ≥ 1; for shape < 1, Gamma(shape + 1)·U^(1/shape).
 */
export function gammaDraw(shape: number, rng: Rng): number {
  if (shape < 1) return gammaDraw(shape + 1, rng) * rng.uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
