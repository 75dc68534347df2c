import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import { decodeArray, type EncodedArray, encodeArray } from '../checkpoint/encoding.js';
import type { Rng } from '../base/rng.js';
import { type ReplayBuffer, type ReplayDraw, drawIndices } from './replay.js';
import { Trajectories } from './trajectories.js';

/** Options of {@link TrajectoryBuffer}. */
export interface TrajectoryBufferOptions {
  /** Most trajectories kept. */
  capacity: number;
  /** Action rows of a stored trajectory (the environment's maxTrajectoryLength). */
  maxSteps: number;
  stateDim: number;
  /** Uniform or reward-prioritised draws. */
  draw: ReplayDraw;
}

/** Slots allocated before the first growth: a large capacity costs memory only once it is used. */
const INITIAL_SLOTS = 256;

/**
 * A ring buffer of complete forward trajectories on typed arrays, one fixed-size slot per
 * trajectory (trajectory-major: slot i holds its (T+1) x stateDim states, T actions, its length and
 * log R). When full, each new trajectory overwrites the oldest. Draws use the buffer's own Rng.
 */
export class TrajectoryBuffer implements ReplayBuffer, Checkpointable {
  readonly capacity: number;
  private readonly T: number;
  private readonly d: number;
  private slots: number;
  private states: Int32Array;
  private actions: Int32Array;
  private lengths: Int32Array;
  private logRewards: Float64Array;
  private count = 0;
  /** Slot the next trajectory goes to; once full, also the oldest slot. */
  private next = 0;

  constructor(
    private readonly options: TrajectoryBufferOptions,
    private readonly rng: Rng,
  ) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1)
      throw new Error(`TrajectoryBuffer: capacity must be a positive integer, got ${options.capacity}`);
    this.capacity = options.capacity;
    this.T = options.maxSteps;
    this.d = options.stateDim;
    this.slots = Math.min(options.capacity, INITIAL_SLOTS);
    this.states = new Int32Array(this.slots * (this.T + 1) * this.d);
    this.actions = new Int32Array(this.slots * this.T);
    this.lengths = new Int32Array(this.slots);
    this.logRewards = new Float64Array(this.slots);
  }

  get size(): number {
    return this.count;
  }

  add(batch: Trajectories): void {
    if (batch.direction !== 'forward') throw new Error('TrajectoryBuffer: only forward trajectories can be stored');
    if (batch.stateDim !== this.d) throw new Error(`TrajectoryBuffer: stateDim ${batch.stateDim} differs from the buffer's ${this.d}`);
    const { T, d } = this;
    const rowLength = (T + 1) * d;
    for (let i = 0; i < batch.nTraj; i++) {
      const len = batch.lengths[i]!;
      if (len > T) throw new Error(`TrajectoryBuffer: trajectory of ${len} steps exceeds maxSteps ${T}`);
      if (this.count < this.capacity && this.next >= this.slots) this.grow();
      const slot = this.next;
      // −1 everywhere past the copied rows: the padding of forward trajectories
      this.states.fill(-1, slot * rowLength, (slot + 1) * rowLength);
      this.actions.fill(-1, slot * T, (slot + 1) * T);
      for (let t = 0; t < len; t++) this.states.set(batch.state(t, i), slot * rowLength + t * d);
      for (let t = 0; t < len; t++) this.actions[slot * T + t] = batch.action(t, i);
      this.lengths[slot] = len;
      this.logRewards[slot] = batch.logRewards[i]!;
      this.next = (slot + 1) % this.capacity;
      this.count = Math.min(this.count + 1, this.capacity);
    }
  }

  sample(n: number): Trajectories {
    return this.gather(drawIndices(this.options.draw, this.logRewards, this.count, n, this.rng));
  }

  /** The stored slots exactly as laid out (so later draws pick the same items), the ring position and the draw stream. */
  saveState(): StateRecord {
    return {
      slots: this.slots,
      count: this.count,
      next: this.next,
      rng: this.rng.getState(),
      states: encodeArray(this.states),
      actions: encodeArray(this.actions),
      lengths: encodeArray(this.lengths),
      logRewards: encodeArray(this.logRewards),
    };
  }

  loadState(state: StateRecord): void {
    const slots = Number(state.slots);
    if (!(slots >= 1 && slots <= this.capacity))
      throw new Error(`checkpoint: replay buffer state has ${slots} slots, capacity is ${this.capacity} (was the config changed?)`);
    const states = decodeArray(state.states as EncodedArray, 'int32', 'replay states');
    if (states.length !== slots * (this.T + 1) * this.d)
      throw new Error('checkpoint: replay buffer states do not match maxSteps x stateDim (was the config changed?)');
    this.states = states;
    this.actions = decodeArray(state.actions as EncodedArray, 'int32', 'replay actions');
    this.lengths = decodeArray(state.lengths as EncodedArray, 'int32', 'replay lengths');
    this.logRewards = decodeArray(state.logRewards as EncodedArray, 'float64', 'replay log-rewards');
    this.slots = slots;
    this.count = Number(state.count);
    this.next = Number(state.next);
    this.rng.setState(state.rng as number[]);
  }

  /** Every stored trajectory, oldest first (for inspection and tests). */
  contents(): Trajectories {
    const oldest = this.count < this.capacity ? 0 : this.next;
    return this.gather(Int32Array.from({ length: this.count }, (_, k) => (oldest + k) % this.capacity));
  }

  /** The trajectories in `slots`, as a time-major forward batch. */
  private gather(slots: Int32Array): Trajectories {
    const { T, d } = this;
    const n = slots.length;
    const states = new Int32Array((T + 1) * n * d);
    const actions = new Int32Array(T * n);
    const lengths = new Int32Array(n);
    const logRewards = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const s = slots[k]!;
      for (let t = 0; t <= T; t++) states.set(this.states.subarray((s * (T + 1) + t) * d, (s * (T + 1) + t + 1) * d), (t * n + k) * d);
      for (let t = 0; t < T; t++) actions[t * n + k] = this.actions[s * T + t]!;
      lengths[k] = this.lengths[s]!;
      logRewards[k] = this.logRewards[s]!;
    }
    return new Trajectories('forward', n, T, d, states, actions, lengths, logRewards);
  }

  /** Doubles the allocated slots (up to capacity); only happens before the ring first wraps. */
  private grow(): void {
    const slots = Math.min(this.capacity, this.slots * 2);
    const { T, d } = this;
    const states = new Int32Array(slots * (T + 1) * d);
    states.set(this.states);
    this.states = states;
    const actions = new Int32Array(slots * T);
    actions.set(this.actions);
    this.actions = actions;
    const lengths = new Int32Array(slots);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const logRewards = new Float64Array(slots);
    logRewards.set(this.logRewards);
    this.logRewards = logRewards;
    this.slots = slots;
  }
}
