import { logGamma } from './lgamma.js';
import { logDetPositiveDefinite, principalSubmatrix } from './linalg.js';

/** Hyperparameters of the BGe score (Normal-Wishart prior on a linear-Gaussian network). */
export interface BgeHyperparameters {
  /** α_μ: equivalent sample size of the prior on the mean. */
  alphaMu: number;
  /** α_w: degrees of freedom of the Wishart prior; must exceed d + 1. */
  alphaW: number;
  /** ν: prior mean of the observations (length d). */
  nu: Float64Array;
}

/** The defaults: α_μ = 1, α_w = d + 2, ν = 0. */
export function defaultBgeHyperparameters(d: number): BgeHyperparameters {
  return { alphaMu: 1, alphaW: d + 2, nu: new Float64Array(d) };
}

/**
 * The BGe score of DAGs over `d` variables given `nSamples` observations (row-major
 * `nSamples x d`), with a uniform structure prior. With n = d, N = nSamples,
 * t = α_μ(α_w − n − 1)/(α_μ + 1) and
 * R = t·I + Σ_k (x_k − x̄)(x_k − x̄)ᵀ + (N α_μ/(N + α_μ))·(x̄ − ν)(x̄ − ν)ᵀ,
 * the score decomposes over nodes: score(G) = Σ_j local(j, Pa_G(j)) with, for l = |Pa|,
 *
 * local(j, Pa) = ½(log α_μ − log(N + α_μ)) + lnΓ(½(N + α_w − n + l + 1)) − lnΓ(½(α_w − n + l + 1))
 *              − ½N log π + ½(α_w − n + 2l + 1)·log t
 *              + ½(N + α_w − n + l)·log|R_{Pa,Pa}| − ½(N + α_w − n + l + 1)·log|R_{Pa∪{j},Pa∪{j}}|,
 *
 * log|R_∅| = 0. Local scores are cached by (node, parent-set bitmask): a sampler revisits the same
 * few families over and over, and each costs two Cholesky factorisations.
 */
export class BgeScore {
  /** Number of variables n. */
  readonly d: number;
  /** Number of observations N. */
  readonly nSamples: number;
  readonly hyper: BgeHyperparameters;
  /** t = α_μ(α_w − n − 1)/(α_μ + 1), the scale of the Wishart prior's T = t·I. */
  readonly t: number;
  /** The posterior scale matrix R (row-major d x d). */
  readonly R: Float64Array;
  /** The parent-count-dependent constant part of local(j, Pa), indexed by l = |Pa|. */
  private readonly constantTerms: Float64Array;
  private readonly cache = new Map<number, number>();
  /**
   * Local scores asked for so far (cache hits included): the unit in which a structure sampler's
   * cost is compared with a GFlowNet run's (see `structure-mcmc.ts`).
   */
  localScoreCalls = 0;

  constructor(data: Float64Array, nSamples: number, d: number, hyper: Partial<BgeHyperparameters> = {}) {
    if (!Number.isInteger(d) || d < 1 || d > 30) throw new Error(`bge: d must be an integer in [1, 30] (parent sets are 32-bit masks), got ${d}`);
    if (!Number.isInteger(nSamples) || nSamples < 1) throw new Error(`bge: nSamples must be an integer >= 1, got ${nSamples}`);
    if (data.length !== nSamples * d) throw new Error(`bge: data has ${data.length} values, expected nSamples x d = ${nSamples} x ${d}`);
    const h = { ...defaultBgeHyperparameters(d), ...hyper };
    if (!(h.alphaMu > 0)) throw new Error(`bge: alphaMu must be > 0, got ${h.alphaMu}`);
    if (!(h.alphaW > d + 1)) throw new Error(`bge: alphaW must be > d + 1 = ${d + 1} (so that t > 0), got ${h.alphaW}`);
    if (h.nu.length !== d) throw new Error(`bge: nu must have length d = ${d}, got ${h.nu.length}`);
    for (const v of data) if (!Number.isFinite(v)) throw new Error(`bge: data contains a non-finite value (${v})`);
    this.d = d;
    this.nSamples = nSamples;
    this.hyper = h;
    this.t = (h.alphaMu * (h.alphaW - d - 1)) / (h.alphaMu + 1);
    this.R = posteriorScaleMatrix(data, nSamples, d, h, this.t);
    this.constantTerms = new Float64Array(d);
    for (let l = 0; l < d; l++) this.constantTerms[l] = this.constantTerm(l);
  }

  /** The five terms of local(j, Pa) that depend only on l = |Pa| (not on the data's R). */
  constantTerm(l: number): number {
    const { alphaMu, alphaW } = this.hyper;
    const N = this.nSamples;
    const n = this.d;
    return (
      0.5 * (Math.log(alphaMu) - Math.log(N + alphaMu)) +
      logGamma(0.5 * (N + alphaW - n + l + 1)) -
      logGamma(0.5 * (alphaW - n + l + 1)) -
      0.5 * N * Math.log(Math.PI) +
      0.5 * (alphaW - n + 2 * l + 1) * Math.log(this.t)
    );
  }

  /** local(node, Pa) where bit i of `parentMask` set ⇔ variable i is a parent of `node`. */
  localScore(node: number, parentMask: number): number {
    this.localScoreCalls++;
    const key = node * 2 ** this.d + parentMask;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    if ((parentMask >>> node) & 1) throw new Error(`bge: node ${node} cannot be its own parent`);
    const parents: number[] = [];
    for (let i = 0; i < this.d; i++) if ((parentMask >>> i) & 1) parents.push(i);
    const l = parents.length;
    const N = this.nSamples;
    const a = this.hyper.alphaW - this.d;
    const logDetPa = l === 0 ? 0 : logDetPositiveDefinite(principalSubmatrix(this.R, this.d, parents), l);
    const family = [...parents, node];
    const logDetFamily = logDetPositiveDefinite(principalSubmatrix(this.R, this.d, family), l + 1);
    const value = this.constantTerms[l]! + 0.5 * (N + a + l) * logDetPa - 0.5 * (N + a + l + 1) * logDetFamily;
    this.cache.set(key, value);
    return value;
  }

  /**
   * score(G) = Σ_j local(j, Pa_G(j)) of the graph whose row-major d x d adjacency matrix starts at
   * `offset` in `adjacency` (adj[i][j] ≠ 0 ⇔ edge i → j).
   */
  score(adjacency: ArrayLike<number>, offset = 0): number {
    const d = this.d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      let mask = 0;
      for (let i = 0; i < d; i++) if (adjacency[offset + i * d + j]) mask |= 1 << i;
      s += this.localScore(j, mask);
    }
    return s;
  }

  /**
   * score(G + i → j) − score(G) for the graph at `offset` (the edge absent): only node j's local
   * score changes, so two local scores instead of 2d.
   */
  addEdgeDelta(adjacency: ArrayLike<number>, i: number, j: number, offset = 0): number {
    const mask = this.parentMask(adjacency, j, offset);
    return this.localScore(j, (mask | (1 << i)) >>> 0) - this.localScore(j, mask);
  }

  /** Bitmask of the parents of `node` in the row-major adjacency matrix at `offset`. */
  parentMask(adjacency: ArrayLike<number>, node: number, offset = 0): number {
    const d = this.d;
    let mask = 0;
    for (let i = 0; i < d; i++) if (adjacency[offset + i * d + node]) mask |= 1 << i;
    return mask >>> 0;
  }

  /** score of the graph without edges: Σ_j local(j, ∅), the baseline of log R. */
  emptyGraphScore(): number {
    let s = 0;
    for (let j = 0; j < this.d; j++) s += this.localScore(j, 0);
    return s;
  }
}

/** R = t·I + Σ_k (x_k − x̄)(x_k − x̄)ᵀ + (N α_μ/(N + α_μ))·(x̄ − ν)(x̄ − ν)ᵀ. */
function posteriorScaleMatrix(data: Float64Array, N: number, d: number, h: BgeHyperparameters, t: number): Float64Array {
  const mean = new Float64Array(d);
  for (let k = 0; k < N; k++) for (let i = 0; i < d; i++) mean[i]! += data[k * d + i]!;
  for (let i = 0; i < d; i++) mean[i]! /= N;
  const R = new Float64Array(d * d);
  for (let k = 0; k < N; k++) {
    for (let i = 0; i < d; i++) {
      const ci = data[k * d + i]! - mean[i]!;
      for (let j = 0; j < d; j++) R[i * d + j]! += ci * (data[k * d + j]! - mean[j]!);
    }
  }
  const w = (N * h.alphaMu) / (N + h.alphaMu);
  for (let i = 0; i < d; i++) {
    R[i * d + i]! += t;
    for (let j = 0; j < d; j++) R[i * d + j]! += w * (mean[i]! - h.nu[i]!) * (mean[j]! - h.nu[j]!);
  }
  return R;
}
