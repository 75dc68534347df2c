import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { BgeScore } from '../../envs/dag/bge.js';
import { syntheticDagData } from '../../envs/dag/data.js';
import { EnumerableDagEnv } from '../../envs/dag/enumerable-dag-env.js';
import { logGamma } from '../../envs/dag/lgamma.js';
import { cholesky, logDetPositiveDefinite, principalSubmatrix } from '../../envs/dag/linalg.js';
import { markovEquivalenceKey, randomDag } from './dag-helpers.js';

/** The shared BGe reference vectors (see test/fixtures/README.md). */
interface BgeFixture {
  data: number[][];
  hyperparameters: { alpha_mu: number; alpha_w: number; t: number };
  R_matrix: number[][];
  log_gamma_term_by_num_parents: number[];
  local_scores: Array<{ node: number; parents: number[]; local_score: number }>;
  empty_graph_score: number;
  dags: Array<{ adjacency_flat: number[]; score: number; log_R: number; posterior: number }>;
  log_partition_over_25_dags: number;
  n_markov_equivalence_classes: number;
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/bge-vectors.json', import.meta.url)), 'utf8')) as BgeFixture;
const refData = Float64Array.from(fixture.data.flat());
const N_REF = fixture.data.length;

describe('logGamma (Lanczos)', () => {
  const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

  it('matches closed forms: lnΓ(½) = ½ln π, lnΓ(n) = ln (n−1)!, Γ(n + ½) = (2n)!·√π / (4ⁿ·n!)', () => {
    expect(relErr(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-13);
    expect(relErr(logGamma(10), Math.log(362880))).toBeLessThan(1e-13);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-14);
    let fact = 1; // (n−1)!
    for (let n = 3; n <= 20; n++) {
      fact *= n - 1;
      expect(relErr(logGamma(n), Math.log(fact))).toBeLessThan(1e-13);
    }
    for (let n = 1; n <= 10; n++) {
      let f2n = 1;
      for (let k = 2; k <= 2 * n; k++) f2n *= k;
      let fn = 1;
      for (let k = 2; k <= n; k++) fn *= k;
      const exact = Math.log(f2n) + 0.5 * Math.log(Math.PI) - n * Math.log(4) - Math.log(fn);
      expect(relErr(logGamma(n + 0.5), exact)).toBeLessThan(1e-13);
    }
    // large argument: ln 99! as a sum of logs (its own rounding is ~1e-15 relative)
    let ln99 = 0;
    for (let k = 2; k <= 99; k++) ln99 += Math.log(k);
    expect(relErr(logGamma(100), ln99)).toBeLessThan(1e-13);
  });

  it('satisfies the recurrence, reflection and duplication formulas at arbitrary points', () => {
    const rng = new Rng(5);
    for (let k = 0; k < 200; k++) {
      const x = 0.05 + 30 * rng.uniform();
      const lhs = logGamma(x + 1);
      const rhs = logGamma(x) + Math.log(x);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-13 * Math.max(1, Math.abs(rhs)));
      // Γ(x)Γ(x + ½) = 2^(1−2x)·√π·Γ(2x)
      const dup = logGamma(x) + logGamma(x + 0.5) - ((1 - 2 * x) * Math.log(2) + 0.5 * Math.log(Math.PI) + logGamma(2 * x));
      expect(Math.abs(dup)).toBeLessThan(1e-13 * Math.max(1, Math.abs(logGamma(2 * x))));
    }
    // reflection Γ(x)Γ(1 − x) = π / sin(πx) for x in (0, 1), including the branch x < ½
    for (const x of [0.1, 0.25, 0.3, 0.7, 0.9]) {
      expect(Math.abs(logGamma(x) + logGamma(1 - x) - Math.log(Math.PI / Math.sin(Math.PI * x)))).toBeLessThan(1e-14);
    }
    // negative non-integers: |Γ(−½)| = 2√π
    expect(relErr(logGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)))).toBeLessThan(1e-13);
  });

  it('rejects the poles and non-finite arguments', () => {
    expect(() => logGamma(0)).toThrow(/pole at 0/);
    expect(() => logGamma(-3)).toThrow(/pole at -3/);
    expect(() => logGamma(Number.NaN)).toThrow(/finite/);
  });
});

describe('Cholesky and log-determinants', () => {
  it('recovers a known factor and its log-determinant', () => {
    const L = Float64Array.from([2, 0, 0, -1, 3, 0, 0.5, 0.25, 1.5]);
    const A = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) A[i * 3 + j]! += L[i * 3 + k]! * L[j * 3 + k]!;
    const got = cholesky(A, 3);
    for (let k = 0; k < 9; k++) expect(Math.abs(got[k]! - L[k]!)).toBeLessThan(1e-14);
    // |A| = (2·3·1.5)² = 81
    expect(Math.abs(logDetPositiveDefinite(A, 3) - Math.log(81))).toBeLessThan(1e-13);
  });

  it('matches the explicit 2x2 determinant and gives 0 for the empty matrix', () => {
    const A = Float64Array.from([5.5, 7, 7, 14.5]);
    expect(Math.abs(logDetPositiveDefinite(A, 2) - Math.log(5.5 * 14.5 - 49))).toBeLessThan(1e-14);
    expect(logDetPositiveDefinite(new Float64Array(0), 0)).toBe(0);
  });

  it('throws a clear error on a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite \(pivot 1 of 2/);
    expect(() => cholesky(Float64Array.from([0, 0, 0, 1]), 2)).toThrow(/not positive definite \(pivot 0 of 2/);
    expect(() => cholesky(new Float64Array(3), 2)).toThrow(/expected 2x2/);
  });

  it('extracts principal submatrices in the given order', () => {
    const A = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(principalSubmatrix(A, 3, [2, 0]))).toEqual([9, 7, 3, 1]);
  });
});

describe('BGe score against the reference vectors (3 variables, 20 samples)', () => {
  const bge = new BgeScore(refData, N_REF, 3);
  const env = new EnumerableDagEnv({ d: 3, data: refData, nSamples: N_REF });

  it('uses the reference hyperparameters and R matrix', () => {
    expect(bge.hyper.alphaMu).toBe(fixture.hyperparameters.alpha_mu);
    expect(bge.hyper.alphaW).toBe(fixture.hyperparameters.alpha_w);
    expect(bge.t).toBe(fixture.hyperparameters.t);
    fixture.R_matrix.flat().forEach((v, k) => expect(Math.abs(bge.R[k]! - v)).toBeLessThan(1e-12));
    fixture.log_gamma_term_by_num_parents.forEach((v, l) => expect(Math.abs(bge.constantTerm(l) - v)).toBeLessThan(1e-12));
  });

  it('matches all 12 local scores', () => {
    expect(fixture.local_scores).toHaveLength(12);
    for (const { node, parents, local_score } of fixture.local_scores) {
      const mask = parents.reduce((m, p) => m | (1 << p), 0);
      expect(Math.abs(bge.localScore(node, mask) - local_score), `local(${node}, {${parents}})`).toBeLessThan(1e-6);
    }
  });

  it('matches the total score, log R and posterior of all 25 DAGs', () => {
    expect(fixture.dags).toHaveLength(25);
    expect(Math.abs(bge.emptyGraphScore() - fixture.empty_graph_score)).toBeLessThan(1e-6);
    expect(Math.abs(env.logPartition() - fixture.log_partition_over_25_dags)).toBeLessThan(1e-6);
    const flat = Int32Array.from(fixture.dags.flatMap((g) => g.adjacency_flat));
    const logR = env.logReward(flat);
    const posterior = env.trueDistribution();
    const idx = env.stateIndex(flat);
    expect(new Set(idx).size).toBe(25);
    fixture.dags.forEach((g, k) => {
      expect(Math.abs(bge.score(g.adjacency_flat) - g.score), `score of DAG ${k}`).toBeLessThan(1e-6);
      expect(Math.abs(logR[k]! - g.log_R), `log R of DAG ${k}`).toBeLessThan(1e-6);
      expect(Math.abs(posterior[idx[k]!]! - g.posterior), `posterior of DAG ${k}`).toBeLessThan(1e-9);
    });
  });

  it('gives Markov-equivalent DAGs equal scores, and the 11 classes 11 different scores', () => {
    // A→B vs B→A
    expect(Math.abs(bge.score([0, 1, 0, 0, 0, 0, 0, 0, 0]) - bge.score([0, 0, 0, 1, 0, 0, 0, 0, 0]))).toBeLessThan(1e-6);
    const classes = new Map<string, number[]>();
    for (const g of fixture.dags) {
      const key = markovEquivalenceKey(g.adjacency_flat, 3);
      classes.set(key, [...(classes.get(key) ?? []), bge.score(g.adjacency_flat)]);
    }
    expect(classes.size).toBe(11);
    expect(fixture.n_markov_equivalence_classes).toBe(11);
    const representatives: number[] = [];
    for (const scores of classes.values()) {
      for (const s of scores) expect(Math.abs(s - scores[0]!)).toBeLessThan(1e-6);
      representatives.push(scores[0]!);
    }
    representatives.sort((a, b) => a - b);
    for (let k = 1; k < representatives.length; k++) expect(representatives[k]! - representatives[k - 1]!).toBeGreaterThan(1e-3);
  });

  it('is score-equivalent on random 5-node DAGs too: reversing a covered edge keeps the score', () => {
    const data = syntheticDagData({ d: 5, seed: 3 });
    const score = new BgeScore(data.data, data.nSamples, 5);
    const rng = new Rng(17);
    let checked = 0;
    for (let trial = 0; trial < 200; trial++) {
      const adj = randomDag(5, 0.5, rng);
      // i → j is covered when Pa(j) = Pa(i) ∪ {i}: reversing it gives an equivalent DAG (Chickering)
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) {
          if (!adj[i * 5 + j]) continue;
          let covered = true;
          for (let k = 0; k < 5; k++) if (k !== i && adj[k * 5 + i] !== adj[k * 5 + j]) covered = false;
          if (!covered) continue;
          const rev = adj.slice();
          rev[i * 5 + j] = 0;
          rev[j * 5 + i] = 1;
          expect(markovEquivalenceKey(rev, 5)).toBe(markovEquivalenceKey(adj, 5));
          expect(Math.abs(score.score(rev) - score.score(adj))).toBeLessThan(1e-6);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('BGe score, other checks', () => {
  it('equals a 2-node value computed by hand', () => {
    // data (x0, x1): (1, 2), (2, 1), (3, 5); N = 3, n = 2, α_μ = 1, α_w = n + 2 = 4, ν = 0
    // t = α_μ(α_w − n − 1)/(α_μ + 1) = 1·1/2 = 0.5
    // x̄ = (2, 8/3); scatter S = [[2, 3], [3, 26/3]]; N α_μ/(N + α_μ)·x̄x̄ᵀ = ¾·[[4, 16/3], [16/3, 64/9]] = [[3, 4], [4, 16/3]]
    // R = t·I + S + that = [[5.5, 7], [7, 14.5]], |R| = 5.5·14.5 − 49 = 30.75
    const data = Float64Array.from([1, 2, 2, 1, 3, 5]);
    const env = new EnumerableDagEnv({ d: 2, data, nSamples: 3 });
    expect(Array.from(env.bge.R).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([5.5, 7, 7, 14.5]);
    // constant terms: ½(ln α_μ − ln(N + α_μ)) + lnΓ(½(N + α_w − n + l + 1)) − lnΓ(½(α_w − n + l + 1)) − ½N ln π + ½(α_w − n + 2l + 1) ln t
    // l = 0: lnΓ(3) = ln 2, lnΓ(1.5) = ln(√π/2); l = 1: lnΓ(3.5) = ln(15√π/8), lnΓ(2) = 0
    const c0 = -0.5 * Math.log(4) + Math.log(2) - Math.log(Math.sqrt(Math.PI) / 2) - 1.5 * Math.log(Math.PI) + 1.5 * Math.log(0.5);
    const c1 = -0.5 * Math.log(4) + Math.log((15 * Math.sqrt(Math.PI)) / 8) - 0 - 1.5 * Math.log(Math.PI) + 2.5 * Math.log(0.5);
    // local(j, ∅) = c0 − ½(N + α_w − n + 1)·ln R_jj = c0 − 3 ln R_jj
    const local0Empty = c0 - 3 * Math.log(5.5);
    const local1Empty = c0 - 3 * Math.log(14.5);
    // local(1, {0}) = c1 + ½(N + α_w − n + 1)·ln R_00 − ½(N + α_w − n + 2)·ln|R| = c1 + 3 ln 5.5 − 3.5 ln 30.75
    const local1Given0 = c1 + 3 * Math.log(5.5) - 3.5 * Math.log(30.75);
    expect(Math.abs(env.bge.localScore(0, 0) - local0Empty)).toBeLessThan(1e-12);
    expect(Math.abs(env.bge.localScore(1, 0) - local1Empty)).toBeLessThan(1e-12);
    expect(Math.abs(env.bge.localScore(1, 1) - local1Given0)).toBeLessThan(1e-12);
    // log R(0 → 1) = score(0 → 1) − score(∅) = local(1, {0}) − local(1, ∅); the edge is adj[0][1], flat index 1
    const logR = env.logReward(Int32Array.from([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]));
    expect(Math.abs(logR[0]! - (local1Given0 - local1Empty))).toBeLessThan(1e-12);
    expect(Math.abs(logR[1]! - (local1Given0 - local1Empty))).toBeLessThan(1e-12);
    expect(logR[2]).toBe(0);
  });

  it('decomposes: the total score is the sum of the local scores, whatever the cache holds', () => {
    const data = syntheticDagData({ d: 6, seed: 9 });
    const cached = new BgeScore(data.data, data.nSamples, 6);
    const rng = new Rng(23);
    for (let trial = 0; trial < 100; trial++) {
      const adj = randomDag(6, 0.4, rng);
      let sum = 0;
      for (let j = 0; j < 6; j++) {
        let mask = 0;
        for (let i = 0; i < 6; i++) if (adj[i * 6 + j]) mask |= 1 << i;
        // a fresh scorer computes the family from scratch
        sum += new BgeScore(data.data, data.nSamples, 6).localScore(j, mask);
      }
      expect(Math.abs(cached.score(adj) - sum)).toBeLessThan(1e-9);
    }
  });

  it('rejects bad inputs with clear errors', () => {
    expect(() => new BgeScore(new Float64Array(5), 2, 3)).toThrow(/5 values, expected nSamples x d = 2 x 3/);
    expect(() => new BgeScore(new Float64Array(6), 2, 3, { alphaW: 4 })).toThrow(/alphaW must be > d \+ 1 = 4/);
    expect(() => new BgeScore(Float64Array.from([1, Number.NaN]), 1, 2)).toThrow(/non-finite/);
    expect(() => new BgeScore(new Float64Array(6), 2, 3).localScore(1, 0b10)).toThrow(/own parent/);
  });
});
