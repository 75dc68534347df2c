/**
 * The environment contract: a batched, GFlowNet-aware, Gym-like discrete environment.
 *
 * States are fixed-length integer vectors stored row-major in flat `Int32Array`s
 * (`batch x stateDim`), never tensors: environment logic stays on typed arrays.
 * Actions are integers in `[0, nActions)`; the last one, `nActions − 1`, is *exit* (x → s_f).
 * A non-exit forward action `a` taken from s to s' is undone by the backward action with the same
 * index `a` taken from s', so backward actions are `[0, nActions − 1)`.
 */
export interface Environment {
  /** Registered name, e.g. `hypergrid`. */
  readonly name: string;
  /** Length of one state vector. */
  readonly stateDim: number;
  /** Number of forward actions, exit included (exit = nActions − 1). */
  readonly nActions: number;
  /** Length of the observation vector produced by {@link encode}. */
  readonly obsDim: number;
  /** The initial state s0 (length `stateDim`). */
  readonly s0: Int32Array;
  /** Upper bound on the number of actions (exit included) of any complete trajectory. */
  readonly maxTrajectoryLength: number;

  /** Applies one non-exit forward action per row; returns the new states. */
  step(states: Int32Array, actions: Int32Array): Int32Array;
  /** Applies one backward action per row (undoing the forward action with that index). */
  backwardStep(states: Int32Array, actions: Int32Array): Int32Array;
  /** Allowed forward actions, `batch x nActions`, 1 = allowed. */
  forwardMask(states: Int32Array): Uint8Array;
  /** Allowed backward actions, `batch x (nActions − 1)`, 1 = allowed. */
  backwardMask(states: Int32Array): Uint8Array;
  /** Natural-log reward of each (terminating) state, unclipped. */
  logReward(states: Int32Array): Float64Array;
  /** Observations for the networks, `batch x obsDim`. */
  encode(states: Int32Array): Float32Array;
  /** True for rows equal to s0. */
  isInitial(states: Int32Array): Uint8Array;
}

/**
 * Optional capability for exact evaluation: the state space is small enough to list.
 * Distributions are arrays over {@link allStates}, zero where exit is not allowed.
 */
export interface Enumerable {
  /** Number of states (s_f excluded). */
  readonly nStates: number;
  /** Every state, `nStates x stateDim`, parents before children (a topological order). */
  allStates(): Int32Array;
  /** Index of each given state in {@link allStates}. */
  stateIndex(states: Int32Array): Int32Array;
  /** log Z = log Σ_x R(x) over terminating states. */
  logPartition(): number;
  /** R(x)/Z over {@link allStates}. */
  trueDistribution(): Float64Array;
}

/** Type guard for the {@link Enumerable} capability. */
export function isEnumerable(env: Environment): env is Environment & Enumerable {
  const e = env as Partial<Enumerable>;
  return typeof e.allStates === 'function' && typeof e.stateIndex === 'function' && typeof e.trueDistribution === 'function';
}

/**
 * Optional capability: the task names its mode states (e.g. the high-reward sequences whose
 * discovery is counted during training).
 */
export interface WithModes {
  /** The mode states, flat `k x stateDim` row-major. */
  modeStates(): Int32Array;
}

/** Type guard for the {@link WithModes} capability. */
export function hasModes(env: Environment): env is Environment & WithModes {
  return typeof (env as Partial<WithModes>).modeStates === 'function';
}

/**
 * Optional capability: task-specific metrics of an exact terminating distribution P_T (over
 * `allStates()`), published by the exact evaluator next to TV and JSD — e.g. the edge-marginal
 * error of a distribution over DAGs.
 */
export interface WithExactMetrics {
  exactMetrics(terminating: Float64Array): Record<string, number>;
}

/** Type guard for the {@link WithExactMetrics} capability. */
export function hasExactMetrics(env: Environment): env is Environment & WithExactMetrics {
  return typeof (env as Partial<WithExactMetrics>).exactMetrics === 'function';
}

/** 1 for each row of a flat `n x row.length` state batch that equals `row` (e.g. s0 for `isInitial`). */
export function rowsEqual(states: Int32Array, row: Int32Array): Uint8Array {
  const d = row.length;
  const n = batchSize(states, d);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let same = 1;
    for (let c = 0; c < d && same; c++) if (states[i * d + c] !== row[c]) same = 0;
    out[i] = same;
  }
  return out;
}

/** Number of rows of a flat state batch, checking that its length is a multiple of `stateDim`. */
export function batchSize(states: Int32Array, stateDim: number): number {
  if (states.length % stateDim !== 0) {
    throw new Error(`state batch of length ${states.length} is not a multiple of stateDim ${stateDim}`);
  }
  return states.length / stateDim;
}
