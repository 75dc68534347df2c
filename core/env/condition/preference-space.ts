import { logSumExp } from '../../base/log-sum-exp.js';
import type { Rng } from '../../base/rng.js';
import type { ConditionConfig, ConditionEncoding } from './condition-config.js';
import type { ConditionSpace } from './condition-space.js';
import { DEFAULT_PREFERENCE_STEPS, type PreferenceConfig, preferenceProblems, simplexLattice } from './preference-config.js';
import { type BetaConfig, drawBeta, gammaDraw, parseBeta } from './temperature-space.js';

/** How far from 1 the entries of a preference given by name may sum (float32 rounding of a typed ω). */
const SUM_TOLERANCE = 1e-6;

/**
 * A preference ω over an environment's K objectives as a condition (MOGFN-PC), optionally with the
 * reward exponent β: the target of condition (β, ω) is R_ω(x)^{e·β} with R_ω = Π_i R_i^{ω_i}, i.e.
 * log R_c(x) = e·β·Σ_i ω_i log R_i(x) (e = `preference.exponent`, β = 1 without `beta`). Its
 * components are `beta` (when set) followed by the objectives' names; the networks see
 * (ω_1, …, ω_K) followed by (log β, β) when β is set. Training draws ω ~ Dirichlet(alpha) (and β
 * from its distribution) per trajectory; evaluation measures the grid of preferences (times the β
 * grid when β is set).
 */
export class PreferenceSpace implements ConditionSpace {
  readonly names: readonly string[];
  readonly objectives: readonly string[];
  readonly featureDim: number;
  readonly encoding: ConditionEncoding;
  readonly reference: Float32Array;
  readonly grid: readonly Float32Array[];
  private readonly preference: PreferenceConfig;
  private readonly beta: BetaConfig | undefined;
  private readonly alpha: readonly number[];

  constructor(
    private readonly config: ConditionConfig,
    objectives: readonly string[],
  ) {
    if (!config.preference) throw new Error('condition: a preference condition needs condition.preference');
    const problems = preferenceProblems(config.preference, objectives);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    this.preference = config.preference;
    this.beta = config.beta;
    this.objectives = [...objectives];
    const k = objectives.length;
    this.names = [...(this.beta ? ['beta'] : []), ...objectives];
    this.featureDim = k + (this.beta ? 2 : 0);
    this.encoding = config.encoding;
    const { alpha } = this.preference;
    this.alpha = typeof alpha === 'number' ? Array.from({ length: k }, () => alpha) : alpha;
    const uniform = Array.from({ length: k }, () => 1 / k);
    this.reference = Float32Array.from([...(this.beta ? [config.reference] : []), ...uniform]);
    const preferences = this.preference.grid ?? simplexLattice(k, DEFAULT_PREFERENCE_STEPS);
    const betas = this.beta ? config.grid : [undefined];
    this.grid = betas.flatMap((b) => preferences.map((w) => Float32Array.from([...(b === undefined ? [] : [b]), ...w])));
  }

  /** The preference ω of each row of `values` (`n x k` conditions → `n x K`). */
  preferences(values: ArrayLike<number>): Float32Array {
    const [k, offset] = [this.names.length, this.beta ? 1 : 0];
    const n = values.length / k;
    const out = new Float32Array(n * this.objectives.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < this.objectives.length; j++) out[i * this.objectives.length + j] = values[i * k + offset + j]!;
    return out;
  }

  draw(n: number, rng: Rng): Float32Array {
    const k = this.names.length;
    const out = new Float32Array(n * k);
    const offset = this.beta ? 1 : 0;
    for (let i = 0; i < n; i++) {
      if (this.beta) out[i * k] = drawBeta(this.beta, rng);
      // Dirichlet(α) as normalised Gamma(α_j, 1) draws
      const g = this.alpha.map((a) => gammaDraw(a, rng));
      const sum = g.reduce((a, b) => a + b, 0);
      for (let j = 0; j < g.length; j++) out[i * k + offset + j] = g[j]! / sum;
    }
    return out;
  }

  features(values: Float32Array): Float32Array {
    const k = this.names.length;
    const n = values.length / k;
    const out = new Float32Array(n * this.featureDim);
    const K = this.objectives.length;
    for (let i = 0; i < n; i++) {
      const offset = this.beta ? 1 : 0;
      for (let j = 0; j < K; j++) out[i * this.featureDim + j] = values[i * k + offset + j]!;
      if (this.beta) {
        out[i * this.featureDim + K] = Math.log(values[i * k]!);
        out[i * this.featureDim + K + 1] = values[i * k]!;
      }
    }
    return out;
  }

  /** e·β·Σ_i ω_i log R_i per row, from log R_i (`n x K`); a zero weight ignores its objective (0·(−∞) = 0). */
  logRewards(logR: Float64Array, values: Float32Array): Float64Array {
    const [k, K] = [this.names.length, this.objectives.length];
    const n = values.length / k;
    const out = new Float64Array(n);
    const e = this.preference.exponent;
    for (let i = 0; i < n; i++) {
      const beta = this.beta ? values[i * k]! : 1;
      let sum = 0;
      for (let j = 0; j < K; j++) {
        const w = values[i * k + (this.beta ? 1 : 0) + j]!;
        if (w !== 0) sum += w * logR[i * K + j]!;
      }
      out[i] = e * beta * sum;
    }
    return out;
  }

  /** R_c/Z_c over the states where exit is allowed (`distribution` > 0), and log Z_c = log Σ R_c. */
  target(
    distribution: Float64Array,
    _logPartition: number,
    values: ArrayLike<number>,
    objectiveLogR?: Float64Array,
  ): { distribution: Float64Array; logPartition: number } {
    if (!objectiveLogR) throw new Error('condition: the exact target of a preference needs the log-rewards of every objective');
    const row = Float32Array.from(values);
    const logR = this.logRewards(
      objectiveLogR,
      Float32Array.from({ length: distribution.length * row.length }, (_, i) => row[i % row.length]!),
    );
    for (let i = 0; i < logR.length; i++) if (!(distribution[i]! > 0)) logR[i] = -Infinity;
    const logSum = logSumExp(logR);
    return { distribution: logR.map((v) => Math.exp(v - logSum)), logPartition: logSum };
  }

  residualWeights(values: Float32Array): Float32Array | undefined {
    if (!this.beta || this.config.residualWeight !== 'inverse-beta') return undefined;
    const k = this.names.length;
    return Float32Array.from({ length: values.length / k }, (_, i) => 1 / values[i * k]!);
  }

  /** `branin=0.25,currin=0.75` (after `beta=2,` when β is set). */
  label(values: ArrayLike<number>): string {
    return this.names.map((name, j) => `${name}=${values[j]}`).join(',');
  }

  parse(given: Readonly<Record<string, number>>): Float32Array {
    const unknown = Object.keys(given).filter((k) => !this.names.includes(k));
    if (unknown.length > 0) throw new Error(`condition: unknown component ${JSON.stringify(unknown[0])}; valid components: ${this.names.join(', ')}`);
    const weights = this.objectives.map((name) => {
      const w = given[name];
      if (w === undefined)
        throw new Error(`condition: component ${JSON.stringify(name)} is required (a preference names every objective: ${this.objectives.join(', ')})`);
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new Error(`condition: ${name} = ${String(w)}: must be a finite number >= 0`);
      return w;
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > SUM_TOLERANCE)
      throw new Error(`condition: the preference ${this.objectives.map((n, j) => `${n}=${weights[j]}`).join(',')} sums to ${sum}; its entries sum to 1`);
    return Float32Array.from([...(this.beta ? [parseBeta(given.beta)] : []), ...weights]);
  }
}
