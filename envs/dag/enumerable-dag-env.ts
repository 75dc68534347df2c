import type { Enumerable, WithExactMetrics } from '../../core/env/environment.js';
import { batchSize } from '../../core/env/environment.js';
import type { EvaluationView, ViewSource } from '../../core/env/view.js';
import { DagEnv, type DagEnvOptions } from './dag-env.js';
import { adjacencyKey, DAG_COUNTS, type DagEnumeration, enumerateDags, MAX_ENUMERABLE_NODES } from './enumerate.js';
import { edgeMarginalsView, sampledEdgePanel } from './view.js';

/**
 * A {@link DagEnv} on d ≤ 5 nodes with the {@link Enumerable} capability: every DAG listed (1, 3,
 * 25, 543, 29,281 for d = 1..5) parents first, the exact posterior P(G | data) = R(G)/Z, and edge
 * marginals under any distribution over the listed DAGs.
 *
 * Why a subclass rather than methods that throw above d = 5: the evaluator recognises enumerable
 * environments by the presence of these methods, so a d = 6 environment must not have them at all.
 * The enumeration itself is built on first use (29,281 graphs take a few tens of milliseconds).
 */
export class EnumerableDagEnv extends DagEnv implements Enumerable, WithExactMetrics {
  readonly nStates: number;
  private enumeration?: DagEnumeration;
  private cachedLogRewards?: Float64Array;
  private cachedLogZ?: number;
  private cachedTrueMarginals?: Float64Array;

  constructor(options: DagEnvOptions) {
    if (!(options.d <= MAX_ENUMERABLE_NODES)) {
      throw new Error(
        `dag: exact enumeration (the Enumerable capability) supports d ≤ ${MAX_ENUMERABLE_NODES}, got d = ${options.d}; use DagEnv (createDagEnv) for larger graphs`,
      );
    }
    super(options);
    this.nStates = DAG_COUNTS[this.d]!;
  }

  private get all(): DagEnumeration {
    this.enumeration ??= enumerateDags(this.d);
    return this.enumeration;
  }

  /** Every DAG, `nStates x d²`, by number of edges (breadth-first from the empty graph). */
  allStates(): Int32Array {
    return this.all.states.slice();
  }

  stateIndex(states: Int32Array): Int32Array {
    const d2 = this.stateDim;
    const n = batchSize(states, d2);
    const { index } = this.all;
    const out = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const k = index.get(adjacencyKey(states, r * d2, this.d));
      if (k === undefined) throw new Error(`dag.stateIndex: row ${r} is not a DAG on ${this.d} nodes (it has a cycle or a self-loop)`);
      out[r] = k;
    }
    return out;
  }

  private allLogRewards(): Float64Array {
    this.cachedLogRewards ??= this.logReward(this.all.states);
    return this.cachedLogRewards;
  }

  logPartition(): number {
    if (this.cachedLogZ === undefined) {
      const lr = this.allLogRewards();
      let max = -Infinity;
      for (const v of lr) max = Math.max(max, v);
      let s = 0;
      for (const v of lr) s += Math.exp(v - max);
      this.cachedLogZ = max + Math.log(s);
    }
    return this.cachedLogZ;
  }

  /** The exact posterior over all DAGs, R(G)/Z (uniform structure prior). */
  trueDistribution(): Float64Array {
    const logZ = this.logPartition();
    return this.allLogRewards().map((v) => Math.exp(v - logZ));
  }

  /**
   * Edge marginals P(i → j) = Σ_G p(G)·adj_G[i][j] of a distribution over {@link allStates}
   * (length nStates), as a row-major d x d matrix (the diagonal is 0).
   */
  edgeMarginals(distribution: Float64Array): Float64Array {
    if (distribution.length !== this.nStates)
      throw new Error(`dag.edgeMarginals: distribution has ${distribution.length} entries, expected nStates = ${this.nStates}`);
    const d2 = this.stateDim;
    const { states } = this.all;
    const out = new Float64Array(d2);
    for (let s = 0; s < this.nStates; s++) {
      const p = distribution[s]!;
      if (p === 0) continue;
      for (let k = 0; k < d2; k++) if (states[s * d2 + k]) out[k]! += p;
    }
    return out;
  }

  /**
   * Edge-marginal error of a distribution over {@link allStates} (e.g. a policy's exact P_T):
   * the mean absolute difference between its edge marginals and the exact posterior's, over the
   * d(d−1) ordered pairs i ≠ j. 0 when the marginals match; at most 1.
   */
  edgeMarginalError(distribution: Float64Array): number {
    const d = this.d;
    if (d < 2) return 0;
    const target = this.trueEdgeMarginals();
    const got = this.edgeMarginals(distribution);
    let s = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) s += Math.abs(got[i * d + j]! - target[i * d + j]!);
    return s / (d * (d - 1));
  }

  /** Edge marginals of the exact posterior P(G | data) (computed once). */
  trueEdgeMarginals(): Float64Array {
    this.cachedTrueMarginals ??= this.edgeMarginals(this.trueDistribution());
    return this.cachedTrueMarginals;
  }

  /** Learned edge marginals (from the exact P_T, else from the samples) next to the exact posterior's. */
  override evaluationView(source: ViewSource): EvaluationView | undefined {
    const exact = { title: 'exact posterior', values: this.trueEdgeMarginals() };
    if (source.terminating) return edgeMarginalsView(this.d, [{ title: 'learned (P_T)', values: this.edgeMarginals(source.terminating) }, exact]);
    if (source.samples && source.samples.length > 0) return edgeMarginalsView(this.d, [sampledEdgePanel(source.samples, this.d), exact]);
    return undefined;
  }

  /** Published by the exact evaluator: mean |P_T(i→j) − P(i→j | data)| over ordered pairs i ≠ j. */
  exactMetrics(terminating: Float64Array): Record<string, number> {
    return { edgeMarginalError: this.edgeMarginalError(terminating) };
  }
}

/** A DAG environment: the {@link EnumerableDagEnv} for d ≤ 5 (exact evaluation), a plain {@link DagEnv} above. */
export function createDagEnv(options: DagEnvOptions): DagEnv {
  return options.d <= MAX_ENUMERABLE_NODES ? new EnumerableDagEnv(options) : new DagEnv(options);
}
