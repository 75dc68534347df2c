import type { Enumerable, Environment } from '../environment.js';
import { batchSize } from '../environment.js';
import { isMultiObjective, logObjectivesWhereStopping } from '../multi-objective.js';
import type { ConditionSpace } from './condition-space.js';
import type { ObservationCondition, WithObservationCondition } from './observation-condition.js';

/**
 * An environment whose states carry a condition c: each state is the environment's own state
 * followed by k condition columns holding c's float32 bits. Nothing changes c along a trajectory;
 * the reward of a terminal state is the target of its own condition (R(x)^β for a temperature),
 * and an observation is the environment's own followed by c's features, so every network that reads
 * observations — P_F, a learned P_B, state flows, value networks — sees the condition, and every
 * part of the run that handles states (deduplication, replay, local search, checkpoints) keeps it
 * with them. Every method works row by row on whatever condition each row carries; `condition` is
 * only the one of {@link s0}.
 */
export class ConditionedEnvironment implements Environment, WithObservationCondition {
  readonly name: string;
  readonly stateDim: number;
  readonly nActions: number;
  readonly obsDim: number;
  readonly s0: Int32Array;
  readonly maxTrajectoryLength: number;
  /** Condition columns per state. */
  protected readonly k: number;

  constructor(
    /** The environment whose states and reward are conditioned. */
    readonly base: Environment,
    readonly space: ConditionSpace,
    /** The condition s0 carries. */
    readonly condition: Float32Array,
  ) {
    this.k = space.names.length;
    if (space.objectives && !isMultiObjective(base))
      throw new Error(`condition: a preference over ${space.objectives.join(', ')} needs a multi-objective environment; '${base.name}' has one reward`);
    if (condition.length !== this.k) throw new Error(`condition: ${condition.length} values for the ${this.k} components ${space.names.join(', ')}`);
    this.name = base.name;
    this.stateDim = base.stateDim + this.k;
    this.nActions = base.nActions;
    this.obsDim = base.obsDim * (space.encoding === 'product' ? 1 + space.featureDim : 1) + space.featureDim;
    this.maxTrajectoryLength = base.maxTrajectoryLength;
    this.s0 = this.withCondition(base.s0, condition);
  }

  /**
   * The features f are the last columns of every observation (`encode`); under `film` the
   * observation is `concat`'s and the networks modulate their hidden layers by f.
   */
  observationCondition(): ObservationCondition {
    const width = this.space.featureDim;
    return { start: this.obsDim - width, width, modulation: this.space.encoding === 'film' ? 'film' : 'none' };
  }

  /** The environment's own state of each row, `n x base.stateDim`. */
  baseStates(states: Int32Array): Int32Array {
    const n = batchSize(states, this.stateDim);
    const d = this.base.stateDim;
    const out = new Int32Array(n * d);
    for (let i = 0; i < n; i++) out.set(states.subarray(i * this.stateDim, i * this.stateDim + d), i * d);
    return out;
  }

  /** The condition of each row, `n x k`. */
  conditionValues(states: Int32Array): Float32Array {
    const n = batchSize(states, this.stateDim);
    const bits = new Int32Array(n * this.k);
    for (let i = 0; i < n; i++) bits.set(states.subarray(i * this.stateDim + this.base.stateDim, (i + 1) * this.stateDim), i * this.k);
    return new Float32Array(bits.buffer);
  }

  /** The network features of each row's condition, `n x featureDim`. */
  conditionFeatures(states: Int32Array): Float32Array {
    return this.space.features(this.conditionValues(states));
  }

  /** The weight of each row's squared residual in the balance losses (`ConditionSpace.residualWeights`); undefined = all equal. */
  residualWeights(states: Int32Array): Float32Array | undefined {
    return this.space.residualWeights(this.conditionValues(states));
  }

  /** The environment's states `baseStates` (`n x base.stateDim`) carrying `values`: one condition (k) for all rows, or one per row (`n x k`). */
  withCondition(baseStates: Int32Array, values: Float32Array): Int32Array {
    const d = this.base.stateDim;
    const n = batchSize(baseStates, d);
    const bits = new Int32Array(Float32Array.from(values).buffer);
    const perRow = bits.length === n * this.k && n !== 1;
    if (!perRow && bits.length !== this.k) throw new Error(`condition: ${bits.length} values for ${n} states of ${this.k} components`);
    const out = new Int32Array(n * this.stateDim);
    for (let i = 0; i < n; i++) {
      out.set(baseStates.subarray(i * d, i * d + d), i * this.stateDim);
      out.set(perRow ? bits.subarray(i * this.k, i * this.k + this.k) : bits, i * this.stateDim + d);
    }
    return out;
  }

  step(states: Int32Array, actions: Int32Array): Int32Array {
    return this.keepCondition(this.base.step(this.baseStates(states), actions), states);
  }

  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    return this.keepCondition(this.base.backwardStep(this.baseStates(states), actions), states);
  }

  forwardMask(states: Int32Array): Uint8Array {
    return this.base.forwardMask(this.baseStates(states));
  }

  backwardMask(states: Int32Array): Uint8Array {
    return this.base.backwardMask(this.baseStates(states));
  }

  logReward(states: Int32Array): Float64Array {
    return this.space.logRewards(this.ownLogRewards(this.baseStates(states)), this.conditionValues(states));
  }

  /** The environment's log R of each of its states (`n`), or its log R_i (`n x K`) where the condition space combines objectives. */
  protected ownLogRewards(baseStates: Int32Array): Float64Array {
    const { base } = this;
    return this.space.objectives && isMultiObjective(base) ? base.logObjectives(baseStates) : base.logReward(baseStates);
  }

  /**
   * The environment's observation o followed by the condition's features f: [o, f] (`concat`), or
   * [o, o·f_1, …, o·f_k, f] (`product`: a network's first-layer weights then vary affinely with the
   * condition, W_0 + Σ_j f_j W_j, instead of only its bias). `film` encodes as `concat`: the
   * condition reaches the hidden layers through the networks' modulation ({@link observationCondition}).
   */
  encode(states: Int32Array): Float32Array {
    const own = this.base.encode(this.baseStates(states));
    const features = this.conditionFeatures(states);
    const n = states.length / this.stateDim;
    const [o, f] = [this.base.obsDim, this.space.featureDim];
    const products = this.space.encoding === 'product' ? f : 0;
    const out = new Float32Array(n * this.obsDim);
    for (let i = 0; i < n; i++) {
      const row = i * this.obsDim;
      out.set(own.subarray(i * o, i * o + o), row);
      for (let j = 0; j < products; j++) {
        const fj = features[i * f + j]!;
        for (let c = 0; c < o; c++) out[row + o * (1 + j) + c] = own[i * o + c]! * fj;
      }
      out.set(features.subarray(i * f, i * f + f), row + o * (1 + products));
    }
    return out;
  }

  isInitial(states: Int32Array): Uint8Array {
    return this.base.isInitial(this.baseStates(states));
  }

  /** `next` (the environment's own states after a step) with the condition columns of the rows they came from. */
  private keepCondition(next: Int32Array, from: Int32Array): Int32Array {
    const d = this.base.stateDim;
    const n = batchSize(next, d);
    const out = new Int32Array(n * this.stateDim);
    for (let i = 0; i < n; i++) {
      out.set(next.subarray(i * d, i * d + d), i * this.stateDim);
      out.set(from.subarray(i * this.stateDim + d, (i + 1) * this.stateDim), i * this.stateDim + d);
    }
    return out;
  }
}

/**
 * A conditioned environment at one condition c over an enumerable environment: its states are the
 * environment's, all carrying c, so exact evaluation measures P_T(·|c) against the target of c
 * (`ConditionSpace.target`, e.g. R^β/Z_β).
 */
export class EnumerableConditionedEnvironment extends ConditionedEnvironment implements Enumerable {
  readonly nStates: number;
  private cachedTarget?: { distribution: Float64Array; logPartition: number };

  constructor(
    override readonly base: Environment & Enumerable,
    space: ConditionSpace,
    condition: Float32Array,
  ) {
    super(base, space, condition);
    this.nStates = base.nStates;
  }

  allStates(): Int32Array {
    return this.withCondition(this.base.allStates(), this.condition);
  }

  stateIndex(states: Int32Array): Int32Array {
    return this.base.stateIndex(this.baseStates(states));
  }

  logPartition(): number {
    return this.target().logPartition;
  }

  trueDistribution(): Float64Array {
    return this.target().distribution.slice();
  }

  private target(): { distribution: Float64Array; logPartition: number } {
    if (!this.cachedTarget) {
      const { base } = this;
      const own = base.trueDistribution();
      // the objectives of the states where a trajectory may stop (the others' are masked out anyway)
      const objectiveLogR =
        this.space.objectives && isMultiObjective(base) ? logObjectivesWhereStopping(base, base.allStates(), base.stateDim, own) : undefined;
      this.cachedTarget = this.space.target(own, base.logPartition(), this.condition, objectiveLogR);
    }
    return this.cachedTarget;
  }
}
