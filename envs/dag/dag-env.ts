import { batchSize, type Environment, rowsEqual } from '../../core/env/environment.js';
import type { EvaluationView, ViewSource, WithEvaluationView } from '../../core/env/view.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Guide, GuideProvider } from '../../core/policy/guide.js';
import { BgeScore, type BgeHyperparameters } from './bge.js';
import { keepsAcyclic, MAX_CLOSURE_NODES, transitiveClosure } from './closure.js';
import { createDagGuide } from './guide.js';
import { structureMetrics } from './structure-metrics.js';
import type { WithSampleMetrics } from '../../core/env/capabilities.js';
import type { WithLogRewardDelta } from '../../core/env/log-reward-delta.js';
import { edgeMarginalsView, sampledEdgePanel } from './view.js';

/** Options of {@link DagEnv}. */
export interface DagEnvOptions {
  /** Number of variables (nodes), 1..30. */
  d: number;
  /** Observations, `nSamples x d` row-major. */
  data: Float64Array;
  nSamples: number;
  /** BGe hyperparameters; defaults α_μ = 1, α_w = d + 2, ν = 0. */
  bge?: Partial<BgeHyperparameters>;
  /**
   * The RL-G guide caps the exit logit in states whose log R is below this (default 0: graphs
   * that score worse than the empty graph).
   */
  guideLogRewardThreshold?: number;
  /** The data-generating DAG (synthetic data), row-major d x d; sampled evaluation compares against it. */
  trueAdjacency?: Int32Array;
}

/**
 * Bayesian-network structure learning: build a DAG over d variables one edge at a time.
 *
 * State: the adjacency matrix flattened row-major (stateDim d², adj[i][j] = 1 ⇔ edge i → j); s0 is
 * the empty graph. Forward action a = i·d + j (a < d²) adds the edge i → j and is allowed iff the
 * edge is absent, i ≠ j and j does not reach i (no cycle; reachability from the transitive closure,
 * see `closure.ts`); action d² is exit, allowed in every state (every DAG is a terminal candidate).
 * Backward action a = i·d + j removes the present edge i → j. Observations: the adjacency matrix as
 * floats (obsDim d²). log R(G) = BGe(G | data) − BGe(empty graph).
 *
 * Exact evaluation needs every DAG listed, which is practical for d ≤ 5 only: use
 * `createDagEnv` (or `EnumerableDagEnv`) to get the enumerable variant there.
 */
export class DagEnv implements Environment, GuideProvider, WithSampleMetrics, WithEvaluationView, WithLogRewardDelta {
  readonly name = 'dag';
  readonly d: number;
  readonly stateDim: number;
  readonly nActions: number;
  readonly obsDim: number;
  readonly s0: Int32Array;
  readonly maxTrajectoryLength: number;
  readonly bge: BgeScore;
  readonly guideLogRewardThreshold: number;
  private readonly emptyScore: number;
  private readonly trueAdjacency: Int32Array | undefined;
  /** Scratch reachability masks for the per-row mask computations. */
  private readonly reach: Int32Array;

  constructor(options: DagEnvOptions) {
    const { d } = options;
    if (!Number.isInteger(d) || d < 1 || d > MAX_CLOSURE_NODES) throw new Error(`dag: d must be an integer in [1, ${MAX_CLOSURE_NODES}], got ${d}`);
    this.d = d;
    this.stateDim = d * d;
    this.nActions = d * d + 1;
    this.obsDim = d * d;
    this.s0 = new Int32Array(d * d);
    // a DAG on d nodes has at most d(d−1)/2 edges, one action each, then exit
    this.maxTrajectoryLength = (d * (d - 1)) / 2 + 1;
    this.bge = new BgeScore(options.data, options.nSamples, d, options.bge);
    this.emptyScore = this.bge.emptyGraphScore();
    this.guideLogRewardThreshold = options.guideLogRewardThreshold ?? 0;
    this.trueAdjacency = options.trueAdjacency;
    this.reach = new Int32Array(d);
  }

  step(states: Int32Array, actions: Int32Array): Int32Array {
    const d = this.d;
    const d2 = this.stateDim;
    const n = this.rows(states, actions, 'step');
    const out = states.slice();
    for (let r = 0; r < n; r++) {
      const a = actions[r]!;
      if (!Number.isInteger(a) || a < 0 || a >= d2)
        throw new Error(`dag.step: action ${a} in row ${r} is not an edge i·d + j < ${d2} (exit is handled by the sampler)`);
      const i = Math.floor(a / d);
      const j = a % d;
      if (out[r * d2 + a]) throw new Error(`dag.step: edge ${i}→${j} is already present in row ${r}`);
      if (!keepsAcyclic(transitiveClosure(states, r * d2, d, this.reach), i, j)) {
        throw new Error(`dag.step: adding ${i}→${j} in row ${r} would ${i === j ? 'be a self-loop' : 'create a cycle'}`);
      }
      out[r * d2 + a] = 1;
    }
    return out;
  }

  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    const d = this.d;
    const d2 = this.stateDim;
    const n = this.rows(states, actions, 'backwardStep');
    const out = states.slice();
    for (let r = 0; r < n; r++) {
      const a = actions[r]!;
      if (!Number.isInteger(a) || a < 0 || a >= d2) throw new Error(`dag.backwardStep: invalid backward action ${a} in row ${r}`);
      if (!out[r * d2 + a]) throw new Error(`dag.backwardStep: edge ${Math.floor(a / d)}→${a % d} is absent in row ${r}`);
      out[r * d2 + a] = 0;
    }
    return out;
  }

  forwardMask(states: Int32Array): Uint8Array {
    const d = this.d;
    const d2 = this.stateDim;
    const nA = this.nActions;
    const n = batchSize(states, d2);
    const mask = new Uint8Array(n * nA);
    for (let r = 0; r < n; r++) {
      const reach = transitiveClosure(states, r * d2, d, this.reach);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const a = i * d + j;
          mask[r * nA + a] = !states[r * d2 + a] && keepsAcyclic(reach, i, j) ? 1 : 0;
        }
      }
      mask[r * nA + d2] = 1;
    }
    return mask;
  }

  backwardMask(states: Int32Array): Uint8Array {
    const n = batchSize(states, this.stateDim);
    const mask = new Uint8Array(n * this.stateDim);
    for (let k = 0; k < mask.length; k++) mask[k] = states[k] ? 1 : 0;
    return mask;
  }

  logReward(states: Int32Array): Float64Array {
    const d2 = this.stateDim;
    const n = batchSize(states, d2);
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[r] = this.bge.score(states, r * d2) - this.emptyScore;
    return out;
  }

  /**
   * The delta score log R(G + i → j) − log R(G) of adding edge a = i·d + j to each row: node j's
   * local score with and without parent i (two cached local scores per row instead of 2d).
   */
  logRewardDelta(states: Int32Array, actions: Int32Array): Float64Array {
    const d = this.d;
    const d2 = this.stateDim;
    const n = this.rows(states, actions, 'logRewardDelta');
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const a = actions[r]!;
      if (!Number.isInteger(a) || a < 0 || a >= d2 || states[r * d2 + a])
        throw new Error(`dag.logRewardDelta: action ${a} in row ${r} does not add an absent edge`);
      out[r] = this.bge.addEdgeDelta(states, Math.floor(a / d), a % d, r * d2);
    }
    return out;
  }

  encode(states: Int32Array): Float32Array {
    batchSize(states, this.stateDim);
    return Float32Array.from(states);
  }

  isInitial(states: Int32Array): Uint8Array {
    return rowsEqual(states, this.s0);
  }

  /**
   * Against the data-generating graph, when known: `expectedShd` (structural Hamming distance,
   * mean over the sampled DAGs) and `edgeAuroc` (sampled edge marginals as scores for the true
   * edges), beside the references a reader needs: `emptyGraphShd` (the empty graph's SHD, the
   * number of true edges; its AUROC is ½) and `trueGraphLogReward` (the true graph's SHD is 0, its
   * AUROC 1). Always `localScoreCalls`: local BGe scores asked for so far by training and
   * evaluation together, the budget a structure MCMC baseline is given (`bench/dag-baselines.ts`).
   */
  sampleMetrics(terminals: Int32Array): Record<string, number> {
    const calls = { localScoreCalls: this.bge.localScoreCalls };
    if (!this.trueAdjacency) return calls;
    const truth = this.trueAdjacency;
    let trueEdges = 0;
    for (const e of truth) trueEdges += e;
    return { ...structureMetrics(terminals, truth, this.d), emptyGraphShd: trueEdges, trueGraphLogReward: this.bge.score(truth) - this.emptyScore, ...calls };
  }

  /**
   * The RL-G guide (see `guide.ts`): P_F with the exit logit capped at log 1e−5 in graphs whose
   * log R is below `options.guideLogRewardThreshold` (default: this environment's threshold).
   */
  createGuide(forward: Estimator, options?: Record<string, unknown>): Guide {
    const override = options?.guideLogRewardThreshold;
    if (override !== undefined && typeof override !== 'number') {
      throw new Error(`dag.createGuide: guideLogRewardThreshold must be a number, got ${JSON.stringify(override)}`);
    }
    return createDagGuide(this, forward, override ?? this.guideLogRewardThreshold);
  }

  /** Edge frequencies among the evaluation's sampled graphs; undefined without samples. */
  evaluationView(source: ViewSource): EvaluationView | undefined {
    if (!source.samples || source.samples.length === 0) return undefined;
    return edgeMarginalsView(this.d, [sampledEdgePanel(source.samples, this.d)]);
  }

  private rows(states: Int32Array, actions: Int32Array, what: string): number {
    const n = batchSize(states, this.stateDim);
    if (actions.length !== n) throw new Error(`dag.${what}: ${actions.length} actions for ${n} states`);
    return n;
  }
}
