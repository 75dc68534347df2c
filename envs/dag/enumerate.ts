import { addEdgeToClosure, keepsAcyclic, transitiveClosure } from './closure.js';

/** Number of labelled DAGs on d nodes, d = 0..5 (1, 1, 3, 25, 543, 29281). */
export const DAG_COUNTS: readonly number[] = [1, 1, 3, 25, 543, 29281];

/** Exact enumeration stops at d = 5: d = 6 has 3,781,503 DAGs, d = 7 over a billion. */
export const MAX_ENUMERABLE_NODES = 5;

/** Every DAG on d nodes, parents (fewer edges) first. */
export interface DagEnumeration {
  /** Number of DAGs. */
  count: number;
  /** Adjacency matrices, `count x d²`, row-major; the empty graph is row 0. */
  states: Int32Array;
  /** Index of each DAG by its adjacency bitmask (bit i·d + j ⇔ edge i → j; d² ≤ 25 bits). */
  index: Map<number, number>;
}

/** The adjacency bitmask of the d x d matrix at `offset` (bit i·d + j ⇔ edge i → j); d² must be ≤ 30. */
export function adjacencyKey(adj: Int32Array, offset: number, d: number): number {
  let key = 0;
  for (let k = 0; k < d * d; k++) if (adj[offset + k]) key |= 1 << k;
  return key;
}

/**
 * Lists all DAGs on d ≤ 5 nodes by breadth-first search from the empty graph, adding one edge at a
 * time. The queue is processed in discovery order, so all graphs with k edges come before all
 * graphs with k + 1 edges — every graph after each of its parents (the order exact evaluation's
 * dynamic programme needs). Duplicates (the same graph reached by adding its edges in another
 * order) are recognised by their bitmask. Each graph's reachability masks are derived from its
 * parent's by the incremental update of `addEdgeToClosure`, so no closure is recomputed.
 */
export function enumerateDags(d: number): DagEnumeration {
  if (!Number.isInteger(d) || d < 1 || d > MAX_ENUMERABLE_NODES) {
    throw new Error(`dag: exact enumeration supports 1 ≤ d ≤ ${MAX_ENUMERABLE_NODES} nodes (d = 6 already has 3,781,503 DAGs), got d = ${d}`);
  }
  const count = DAG_COUNTS[d]!;
  const d2 = d * d;
  const states = new Int32Array(count * d2);
  const reach = new Int32Array(count * d);
  const keys = new Int32Array(count);
  const index = new Map<number, number>([[0, 0]]);
  transitiveClosure(states, 0, d, reach.subarray(0, d));
  let n = 1;
  for (let s = 0; s < n; s++) {
    const r = reach.subarray(s * d, s * d + d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const bit = i * d + j;
        if (states[s * d2 + bit] || !keepsAcyclic(r, i, j)) continue;
        const key = keys[s]! | (1 << bit);
        if (index.has(key)) continue;
        if (n === count) throw new Error(`dag: enumeration found more than the ${count} DAGs on ${d} nodes`);
        index.set(key, n);
        keys[n] = key;
        states.copyWithin(n * d2, s * d2, s * d2 + d2);
        states[n * d2 + bit] = 1;
        reach.copyWithin(n * d, s * d, s * d + d);
        addEdgeToClosure(reach.subarray(n * d, n * d + d), i, j, d);
        n++;
      }
    }
  }
  if (n !== count) throw new Error(`dag: enumeration found ${n} DAGs on ${d} nodes, expected ${count}`);
  return { count, states, index };
}
