import type { Environment } from '../env/environment.js';
import { reuseKnownRewards } from '../env/reward-batch.js';
import { UniformBackwardPolicy } from '../policy/backward.js';
import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import { decodeArray, type EncodedArray, encodeArray } from '../checkpoint/encoding.js';
import type { Rng } from '../base/rng.js';
import { reverseBackward } from './batch-ops.js';
import { type ReplayBuffer, type ReplayDraw, drawIndices } from './replay.js';
import type { Sampler } from './sampler.js';
import type { Trajectories } from './trajectories.js';

/** Options of {@link TerminalBuffer}. */
export interface TerminalBufferOptions {
  /** Most terminal states kept. */
  capacity: number;
  /** Uniform or reward-prioritised draws of the stored states. */
  draw: ReplayDraw;
}

/**
 * A ring buffer of terminal states x and their log R (the oldest overwritten first). Replayed
 * items become forward trajectories by walking each drawn x back to s0 under the uniform backward
 * policy and reversing the walk.
 *
 * Why uniform P_B rather than the objective's own: the core knows no objective. For the `-U`
 * objectives it is their P_B, so the replayed trajectory has exactly the distribution
 * P_B(τ | x) the loss assumes. For every other off-policy objective it is still a valid
 * behaviour distribution: it gives every complete trajectory ending at x positive probability, and
 * the objectives recompute all training log-probabilities under the current parameters, so
 * nothing in the loss depends on how the trajectory was generated.
 */
export class TerminalBuffer implements ReplayBuffer, Checkpointable {
  readonly capacity: number;
  private readonly d: number;
  private readonly terminals: Int32Array;
  private readonly logRewards: Float64Array;
  private readonly backward: UniformBackwardPolicy;
  private count = 0;
  private next = 0;

  constructor(
    private readonly env: Environment,
    private readonly sampler: Sampler,
    private readonly options: TerminalBufferOptions,
    private readonly rng: Rng,
  ) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1)
      throw new Error(`TerminalBuffer: capacity must be a positive integer, got ${options.capacity}`);
    this.capacity = options.capacity;
    this.d = env.stateDim;
    // one state per slot is small: allocate the whole capacity at once
    this.terminals = new Int32Array(this.capacity * this.d);
    this.logRewards = new Float64Array(this.capacity);
    this.backward = new UniformBackwardPolicy(env);
  }

  get size(): number {
    return this.count;
  }

  /** Stores the terminal state and log R of every trajectory of a forward batch. */
  add(batch: Trajectories): void {
    if (batch.direction !== 'forward') throw new Error('TerminalBuffer: only forward trajectories can be stored');
    const x = batch.terminalStates();
    for (let i = 0; i < batch.nTraj; i++) {
      this.terminals.set(x.subarray(i * this.d, (i + 1) * this.d), this.next * this.d);
      this.logRewards[this.next] = batch.logRewards[i]!;
      this.next = (this.next + 1) % this.capacity;
      this.count = Math.min(this.count + 1, this.capacity);
    }
  }

  sample(n: number): Trajectories {
    const slots = drawIndices(this.options.draw, this.logRewards, this.count, n, this.rng);
    const x = new Int32Array(n * this.d);
    const logR = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      x.set(this.terminals.subarray(slots[k]! * this.d, (slots[k]! + 1) * this.d), k * this.d);
      logR[k] = this.logRewards[slots[k]!]!;
    }
    const forward = reverseBackward(this.sampler.sampleBackward(x, this.backward, this.rng, reuseKnownRewards(this.env, logR)), this.env.nActions - 1);
    // the stored log R, not a recomputation: what was trained on when the state was first seen
    forward.logRewards.set(logR);
    return forward;
  }

  /** The stored states as laid out, the ring position and the draw stream. */
  saveState(): StateRecord {
    return { count: this.count, next: this.next, rng: this.rng.getState(), terminals: encodeArray(this.terminals), logRewards: encodeArray(this.logRewards) };
  }

  loadState(state: StateRecord): void {
    const terminals = decodeArray(state.terminals as EncodedArray, 'int32', 'replay terminal states');
    const logRewards = decodeArray(state.logRewards as EncodedArray, 'float64', 'replay log-rewards');
    if (terminals.length !== this.terminals.length || logRewards.length !== this.logRewards.length)
      throw new Error('checkpoint: terminal replay buffer size differs from capacity x stateDim (was the config changed?)');
    this.terminals.set(terminals);
    this.logRewards.set(logRewards);
    this.count = Number(state.count);
    this.next = Number(state.next);
    this.rng.setState(state.rng as number[]);
  }

  /** Every stored terminal state (size x stateDim) and its log R, oldest first (for inspection and tests). */
  contents(): { terminals: Int32Array; logRewards: Float64Array } {
    const oldest = this.count < this.capacity ? 0 : this.next;
    const terminals = new Int32Array(this.count * this.d);
    const logRewards = new Float64Array(this.count);
    for (let k = 0; k < this.count; k++) {
      const s = (oldest + k) % this.capacity;
      terminals.set(this.terminals.subarray(s * this.d, (s + 1) * this.d), k * this.d);
      logRewards[k] = this.logRewards[s]!;
    }
    return { terminals, logRewards };
  }
}
