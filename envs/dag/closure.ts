/**
 * Reachability in a DAG as one bitmask per node (d ≤ 30, so a mask fits a 32-bit integer):
 * reach[u] has bit v set ⇔ there is a directed path u ⇝ v of length ≥ 0 (so bit u is always set).
 * Adding the edge i → j keeps the graph acyclic iff j does not reach i (bit i of reach[j] clear);
 * the self-loop i = j is excluded by the same test because every node reaches itself.
 */

/** Largest d whose reachability masks fit a signed 32-bit integer with room to spare. */
export const MAX_CLOSURE_NODES = 30;

/**
 * Transitive closure of the row-major d x d adjacency matrix starting at `offset` in `adj`, written
 * into `out[0..d)` (allocated when absent). Warshall's algorithm on bit rows: after step k, reach[u]
 * holds every node reachable through intermediate nodes < k; O(d²) word operations.
 */
export function transitiveClosure(adj: Int32Array, offset: number, d: number, out: Int32Array = new Int32Array(d)): Int32Array {
  for (let u = 0; u < d; u++) {
    let m = 1 << u;
    for (let v = 0; v < d; v++) if (adj[offset + u * d + v]) m |= 1 << v;
    out[u] = m;
  }
  for (let k = 0; k < d; k++) {
    const rk = out[k]!;
    const bit = 1 << k;
    for (let u = 0; u < d; u++) if (out[u]! & bit) out[u]! |= rk;
  }
  return out;
}

/**
 * Updates `reach` in place for the edge i → j just added (which must keep the graph acyclic).
 * The incremental update: every new path has the form u ⇝ i → j ⇝ v, so every node u that reaches
 * i (i itself included) now reaches everything j reaches. reach[j] itself does not change (j does
 * not reach i), so the order of the updates does not matter. O(d) instead of the O(d²) recompute.
 */
export function addEdgeToClosure(reach: Int32Array, i: number, j: number, d: number): void {
  const rj = reach[j]!;
  const bit = 1 << i;
  for (let u = 0; u < d; u++) if (reach[u]! & bit) reach[u]! |= rj;
}

/** Whether i → j may be added to a graph with closure `reach`: not a self-loop, no cycle (j does not reach i). */
export function keepsAcyclic(reach: Int32Array, i: number, j: number): boolean {
  return ((reach[j]! >>> i) & 1) === 0;
}
