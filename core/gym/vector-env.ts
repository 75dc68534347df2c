import type { GymEnv, GymEnvFactory, Info } from './gym-env.js';
import { type Box, boxSize, type Discrete } from './spaces.js';

/** `[observations, rewards, terminated, truncated, infos]` of N copies, row i = copy i. */
export type VectorStepResult = [observations: Float32Array, rewards: Float64Array, terminated: Uint8Array, truncated: Uint8Array, infos: Info[]];

/**
 * N copies of a Gym environment stepped together (synchronously, in this process): observations
 * come back as one flat `N x obsDim` matrix, ready for one network call.
 *
 * Auto-reset, "same step" (the convention of Gymnasium's vector environments before 1.0 and of
 * Stable-Baselines3): when copy i's episode ends on a step (terminated or truncated), the copy is
 * reset at once, and that step returns
 * - row i of the observations = the *first observation of the new episode*, `infos[i]` = the
 *   reset's info (e.g. the new state's action mask);
 * - `infos[i].final` = the finished episode's last observation and info (a truncated episode's
 *   last state is what a value function bootstraps from);
 * - `infos[i].episode` = the finished episode's undiscounted return and length;
 * - `rewards[i]`, `terminated[i]`, `truncated[i]` = those of the step that ended it.
 * So a caller never steps a finished episode, and every step's action applies to a live state.
 * (Gymnasium 1.0's default "next step" mode instead returns the final observation and resets on
 * the following call, which costs one wasted step per episode.)
 *
 * Seeding: `reset({ seed })` seeds copy i with `seed + i`; auto-resets continue each copy's stream.
 */
export class VectorEnv {
  readonly copies: GymEnv[];
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly obsDim: number;
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private started = false;

  constructor(
    factory: GymEnvFactory,
    readonly n: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`VectorEnv: the number of copies must be a positive integer, got ${n}`);
    this.copies = Array.from({ length: n }, () => factory.make());
    this.observationSpace = factory.observationSpace;
    this.actionSpace = factory.actionSpace;
    this.obsDim = boxSize(factory.observationSpace);
    this.returns = new Float64Array(n);
    this.lengths = new Int32Array(n);
  }

  /** Resets every copy (copy i with `seed + i` when a seed is given): `[observations, infos]`. */
  reset(options: { seed?: number } = {}): [Float32Array, Info[]] {
    const obs = new Float32Array(this.n * this.obsDim);
    const infos: Info[] = [];
    this.copies.forEach((env, i) => {
      const [o, info] = env.reset(options.seed === undefined ? {} : { seed: options.seed + i });
      obs.set(o, i * this.obsDim);
      infos.push(info);
    });
    this.returns.fill(0);
    this.lengths.fill(0);
    this.started = true;
    return [obs, infos];
  }

  /** One action per copy; finished episodes are reset in the same call (see the class doc). */
  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw new Error('VectorEnv: step() before reset()');
    if (actions.length !== this.n) throw new Error(`VectorEnv: expected ${this.n} actions, got ${actions.length}`);
    const obs = new Float32Array(this.n * this.obsDim);
    const rewards = new Float64Array(this.n);
    const terminated = new Uint8Array(this.n);
    const truncated = new Uint8Array(this.n);
    const infos: Info[] = [];
    this.copies.forEach((env, i) => {
      const [o, r, term, trunc, info] = env.step(actions[i]!);
      rewards[i] = r;
      terminated[i] = term ? 1 : 0;
      truncated[i] = trunc ? 1 : 0;
      this.returns[i]! += r;
      this.lengths[i]! += 1;
      if (term || trunc) {
        const episode = { return: this.returns[i]!, length: this.lengths[i]! };
        this.returns[i] = 0;
        this.lengths[i] = 0;
        const [first, resetInfo] = env.reset();
        obs.set(first, i * this.obsDim);
        infos.push({ ...resetInfo, final: { observation: o, info }, episode });
      } else {
        obs.set(o, i * this.obsDim);
        infos.push(info);
      }
    });
    return [obs, rewards, terminated, truncated, infos];
  }

  /** The copies' action masks as one `N x nActions` matrix (all ones where an info has none). */
  actionMasks(infos: readonly Info[]): Uint8Array {
    const nA = this.actionSpace.n;
    const out = new Uint8Array(this.n * nA).fill(1);
    infos.forEach((info, i) => {
      if (info.actionMask) out.set(info.actionMask, i * nA);
    });
    return out;
  }
}
