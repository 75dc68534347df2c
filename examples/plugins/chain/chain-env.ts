import { batchSize, type Enumerable, type Environment } from 'gflownet-ts';

/** Options of {@link ChainEnv}. */
export interface ChainOptions {
  /** Number of positions 0 … length − 1. */
  length: number;
  /** Period of the reward's bumps. */
  period: number;
}

/**
 * A walk along a line: start at 0, step right (action 0) or stop (action 1, exit) anywhere.
 * R(k) = 0.1 + cos²(π k / period): bumps every `period` positions. Every state has one parent, so
 * P_B is trivially 1; the forward policy only decides where to stop. Small enough to enumerate,
 * so the built-in exact evaluator reports TV/JSD for it with no extra code.
 */
export class ChainEnv implements Environment, Enumerable {
  readonly name = 'chain';
  readonly stateDim = 1;
  readonly nActions = 2;
  readonly obsDim: number;
  readonly s0 = Int32Array.of(0);
  readonly maxTrajectoryLength: number;
  readonly nStates: number;

  constructor(readonly options: ChainOptions) {
    this.obsDim = options.length;
    this.maxTrajectoryLength = options.length;
    this.nStates = options.length;
  }

  step(states: Int32Array, actions: Int32Array): Int32Array {
    return states.map((k, i) => {
      if (actions[i] !== 0 || k >= this.options.length - 1) throw new Error(`chain: action ${actions[i]} not allowed at ${k}`);
      return k + 1;
    });
  }

  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    return states.map((k, i) => {
      if (actions[i] !== 0 || k <= 0) throw new Error(`chain: backward action ${actions[i]} not allowed at ${k}`);
      return k - 1;
    });
  }

  forwardMask(states: Int32Array): Uint8Array {
    const mask = new Uint8Array(batchSize(states, 1) * 2);
    states.forEach((k, i) => {
      mask[2 * i] = k < this.options.length - 1 ? 1 : 0;
      mask[2 * i + 1] = 1;
    });
    return mask;
  }

  backwardMask(states: Int32Array): Uint8Array {
    return Uint8Array.from(states, (k) => (k > 0 ? 1 : 0));
  }

  logReward(states: Int32Array): Float64Array {
    return Float64Array.from(states, (k) => Math.log(0.1 + Math.cos((Math.PI * k) / this.options.period) ** 2));
  }

  encode(states: Int32Array): Float32Array {
    const obs = new Float32Array(states.length * this.obsDim);
    states.forEach((k, i) => (obs[i * this.obsDim + k] = 1));
    return obs;
  }

  isInitial(states: Int32Array): Uint8Array {
    return Uint8Array.from(states, (k) => (k === 0 ? 1 : 0));
  }

  allStates(): Int32Array {
    return Int32Array.from({ length: this.options.length }, (_, k) => k);
  }

  stateIndex(states: Int32Array): Int32Array {
    return states.slice();
  }

  logPartition(): number {
    return Math.log(this.logReward(this.allStates()).reduce((z, lr) => z + Math.exp(lr), 0));
  }

  trueDistribution(): Float64Array {
    const logZ = this.logPartition();
    return this.logReward(this.allStates()).map((lr) => Math.exp(lr - logZ));
  }
}
