/**
 * Test helpers for the DAG environment. The graph checks are written independently of `envs/dag/`
 * (plain arrays and depth-first search) so that the tests check the bitmask code against something
 * else; the builders at the end only shorten the test files.
 */
import type { Rng } from '../../core/base/rng.js';
import type { DagEnv } from '../../envs/dag/dag-env.js';
import { syntheticDagData } from '../../envs/dag/data.js';
import { createDagEnv, EnumerableDagEnv } from '../../envs/dag/enumerable-dag-env.js';

/** True when the d x d adjacency matrix at `offset` has no directed cycle (three-colour DFS). */
export function isAcyclicByDfs(adj: ArrayLike<number>, d: number, offset = 0): boolean {
  const colour = new Array<number>(d).fill(0); // 0 unvisited, 1 on the stack, 2 done
  const visit = (u: number): boolean => {
    colour[u] = 1;
    for (let v = 0; v < d; v++) {
      if (!adj[offset + u * d + v]) continue;
      if (colour[v] === 1) return false;
      if (colour[v] === 0 && !visit(v)) return false;
    }
    colour[u] = 2;
    return true;
  };
  for (let u = 0; u < d; u++) if (colour[u] === 0 && !visit(u)) return false;
  return true;
}

/** Nodes reachable from `u` (u included) by DFS. */
export function reachableByDfs(adj: ArrayLike<number>, d: number, u: number, offset = 0): Set<number> {
  const seen = new Set<number>([u]);
  const stack = [u];
  while (stack.length > 0) {
    const x = stack.pop()!;
    for (let v = 0; v < d; v++) {
      if (adj[offset + x * d + v] && !seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    }
  }
  return seen;
}

/** A random DAG: a random node order, each forward pair an edge with probability p. */
export function randomDag(d: number, p: number, rng: Rng): Int32Array {
  const order = Array.from({ length: d }, (_, k) => k);
  for (let k = d - 1; k > 0; k--) {
    const r = rng.int(k + 1);
    [order[k], order[r]] = [order[r]!, order[k]!];
  }
  const adj = new Int32Array(d * d);
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) if (rng.uniform() < p) adj[order[a]! * d + order[b]!] = 1;
  return adj;
}

/** Number of labelled DAGs on n nodes by Robinson's recurrence a(n) = Σ_k (−1)^(k+1) C(n,k) 2^(k(n−k)) a(n−k). */
export function robinsonDagCount(n: number): number {
  const a = [1];
  const binom = (m: number, k: number): number => {
    let r = 1;
    for (let i = 1; i <= k; i++) r = (r * (m - k + i)) / i;
    return r;
  };
  for (let m = 1; m <= n; m++) {
    let s = 0;
    for (let k = 1; k <= m; k++) s += (k % 2 === 1 ? 1 : -1) * binom(m, k) * 2 ** (k * (m - k)) * a[m - k]!;
    a.push(s);
  }
  return a[n]!;
}

/**
 * A canonical key of the Markov equivalence class of a DAG: its skeleton plus its v-structures
 * (a → c ← b with a, b not adjacent), the characterisation of Verma and Pearl.
 */
export function markovEquivalenceKey(adj: ArrayLike<number>, d: number): string {
  const edge = (i: number, j: number): boolean => adj[i * d + j] !== 0;
  const adjacent = (i: number, j: number): boolean => edge(i, j) || edge(j, i);
  const skeleton: string[] = [];
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) if (adjacent(i, j)) skeleton.push(`${i}-${j}`);
  const vs: string[] = [];
  for (let c = 0; c < d; c++) {
    for (let a = 0; a < d; a++) {
      for (let b = a + 1; b < d; b++) if (edge(a, c) && edge(b, c) && !adjacent(a, b)) vs.push(`${a}>${c}<${b}`);
    }
  }
  return `${skeleton.join(',')}|${vs.join(',')}`;
}

/** The DAG environment on the synthetic data of `seed`. */
export function dagEnv(d: number, seed = 0): DagEnv {
  const s = syntheticDagData({ d, seed });
  return createDagEnv({ d, data: s.data, nSamples: s.nSamples });
}

/** The same, for d ≤ 5, typed as enumerable. */
export function enumerableEnv(d: number, seed = 0): EnumerableDagEnv {
  const env = dagEnv(d, seed);
  if (!(env instanceof EnumerableDagEnv)) throw new Error('expected an enumerable environment');
  return env;
}

/** Masked softmax (float64) of one row of logits. */
export function maskedSoftmax(logits: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const p = new Float64Array(mask.length);
  let max = -Infinity;
  for (let a = 0; a < mask.length; a++) if (mask[a]) max = Math.max(max, logits[a]!);
  let z = 0;
  for (let a = 0; a < mask.length; a++) z += p[a] = mask[a] ? Math.exp(logits[a]! - max) : 0;
  return p.map((v) => v / z);
}
