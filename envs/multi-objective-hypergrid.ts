import type { WithTerminalDistance } from '../core/env/capabilities.js';
import { batchSize, type Enumerable, type Environment } from '../core/env/environment.js';
import type { MultiObjective } from '../core/env/multi-objective.js';
import { logSumExp } from '../core/base/log-sum-exp.js';
import { HyperGrid } from './hypergrid.js';
import { TEST_FUNCTION_REWARDS, type TestFunction } from './test-functions.js';

/**
 * The multi-objective HyperGrid of MOGFN-PC (Jain et al., ICML 2023): the 2-D HyperGrid's states
 * and moves, with K rewards R_i(s) = f_i(u), u = s/(H − 1) ∈ [0, 1]², f_i one of the test functions
 * (`test-functions.ts`). Its own (unconditional) reward is the geometric mean of the objectives,
 * log R = (1/K)·Σ_i log R_i — the target of the uniform preference; a preference-conditional run
 * trains on R_ω = Π_i R_i^{ω_i} instead. Enumerable, so the exact Pareto front is found by
 * enumeration (`core/evaluation/pareto.ts`).
 */
export class MultiObjectiveHyperGrid implements Environment, Enumerable, MultiObjective, WithTerminalDistance {
  readonly name = 'hypergrid';
  readonly stateDim: number;
  readonly nActions: number;
  readonly obsDim: number;
  readonly s0: Int32Array;
  readonly maxTrajectoryLength: number;
  readonly nStates: number;
  readonly objectiveNames: readonly string[];
  /** The grid whose states, moves and observations these are. */
  private readonly grid: HyperGrid;
  private cachedLogRewards?: Float64Array;

  constructor(
    readonly height: number,
    objectives: readonly TestFunction[],
  ) {
    if (objectives.length === 0) throw new Error('hypergrid: objectives must name at least one test function');
    this.grid = new HyperGrid({ ndim: 2, height, R0: 1, R1: 0, R2: 0, rewardCos: false });
    this.objectiveNames = [...objectives];
    ({ stateDim: this.stateDim, nActions: this.nActions, obsDim: this.obsDim, s0: this.s0 } = this.grid);
    this.maxTrajectoryLength = this.grid.maxTrajectoryLength;
    this.nStates = this.grid.nStates;
  }

  logObjectives(states: Int32Array): Float64Array {
    const n = batchSize(states, 2);
    const k = this.objectiveNames.length;
    const scale = this.height - 1;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const [u1, u2] = [states[2 * i]! / scale, states[2 * i + 1]! / scale];
      for (let j = 0; j < k; j++) out[i * k + j] = Math.log(TEST_FUNCTION_REWARDS[this.objectiveNames[j] as TestFunction](u1, u2));
    }
    return out;
  }

  logReward(states: Int32Array): Float64Array {
    const k = this.objectiveNames.length;
    const objectives = this.logObjectives(states);
    const out = new Float64Array(objectives.length / k);
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += objectives[i * k + j]!;
      out[i] = sum / k;
    }
    return out;
  }

  step(states: Int32Array, actions: Int32Array): Int32Array {
    return this.grid.step(states, actions);
  }

  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    return this.grid.backwardStep(states, actions);
  }

  forwardMask(states: Int32Array): Uint8Array {
    return this.grid.forwardMask(states);
  }

  backwardMask(states: Int32Array): Uint8Array {
    return this.grid.backwardMask(states);
  }

  isInitial(states: Int32Array): Uint8Array {
    return this.grid.isInitial(states);
  }

  encode(states: Int32Array): Float32Array {
    return this.grid.encode(states);
  }

  terminalDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return this.grid.terminalDistance(a, b);
  }

  allStates(): Int32Array {
    return this.grid.allStates();
  }

  stateIndex(states: Int32Array): Int32Array {
    return this.grid.stateIndex(states);
  }

  logPartition(): number {
    return logSumExp(this.allLogRewards());
  }

  trueDistribution(): Float64Array {
    const logZ = this.logPartition();
    return this.allLogRewards().map((v) => Math.exp(v - logZ));
  }

  /** log R of every state, computed once. */
  private allLogRewards(): Float64Array {
    this.cachedLogRewards ??= this.logReward(this.allStates());
    return this.cachedLogRewards;
  }
}
