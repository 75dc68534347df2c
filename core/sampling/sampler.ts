import { networkInput } from '../policy/network-input.js';
import type { Environment } from '../env/environment.js';
import { rewardBatchOf } from '../env/reward-batch.js';
import type { Estimator } from '../tensor/estimator.js';
import type { BackwardPolicy } from '../policy/backward.js';
import { type ExplorationOptions, sampleMaskedCategorical } from '../policy/categorical.js';
import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import type { Rng } from '../base/rng.js';
import { uniqueRows } from '../policy/unique-states.js';
import { selectRows } from './transitions.js';
import { Trajectories } from './trajectories.js';
import { predictedValues } from '../tensor/read.js';
import { behaviourLogProbs } from '../policy/behaviour.js';
import { hasInitialStateDistribution } from '../env/condition/conditional-environment.js';

/** Forward trajectories walked to their exits but not yet rewarded. */
interface ForwardWalk {
  /** The terminal state of each trajectory, N x stateDim. */
  terminals: Int32Array;
  /** The trajectories, with these log-rewards of their terminal states. */
  rewarded(logRewards: Float64Array): Trajectories;
}

/** Sampling P_F itself: no ε, no temperature. */
const ON_POLICY: ExplorationOptions = { epsilon: 0, temperature: 1 };

/**
 * Generates trajectories in lock-step: all N trajectories advance together, with one network
 * call per time step on the rows that are still active; environment logic stays on typed arrays.
 */
export class Sampler implements Checkpointable {
  constructor(
    private readonly env: Environment,
    private readonly forwardEstimator: Estimator,
    private readonly rng: Rng,
  ) {}

  /** Its random stream's position (all it keeps between calls). */
  saveState(): StateRecord {
    return { rng: this.rng.getState() };
  }

  loadState(state: StateRecord): void {
    this.rng.setState(state.rng as number[]);
  }

  /**
   * Logits of P_F for a state batch (host memory), one network call on its distinct states
   * (lock-step rows share states: all start at s0 and early states repeat).
   */
  forwardLogits(states: Int32Array): Float32Array {
    const { unique, inverse } = uniqueRows(states, this.env.stateDim);
    const nUnique = unique.length / this.env.stateDim;
    const logits = predictedValues(this.forwardEstimator, () => networkInput(this.env, this.forwardEstimator, unique));
    if (nUnique === inverse.length) return logits;
    const a = this.env.nActions;
    const out = new Float32Array(inverse.length * a);
    for (let r = 0; r < inverse.length; r++) out.set(logits.subarray(inverse[r]! * a, inverse[r]! * a + a), r * a);
    return out;
  }

  /**
   * N forward trajectories from s0 (or from the environment's initial states, see
   * `WithInitialStateDistribution`) under P_F (optionally tempered and ε-mixed with uniform), their
   * rewards read with the environment's synchronous `logReward` (what sampling from a checkpoint and
   * evaluation use). An environment whose reward takes time refuses that read: training samples
   * with {@link sampleForwardAsync}.
   */
  sampleForward(n: number, exploration?: ExplorationOptions): Trajectories {
    const walk = this.walkForward(n, exploration);
    return walk.rewarded(this.env.logReward(walk.terminals));
  }

  /**
   * {@link sampleForward} (the same draws from the same stream) with the terminal states' rewards
   * awaited through `rewardBatchOf`: a reward that takes time (a reward service) is asked once per
   * batch, and any other environment answers with its `logReward`, so its trajectories are exactly
   * those of {@link sampleForward}. What the trainer samples with.
   */
  async sampleForwardAsync(n: number, exploration?: ExplorationOptions): Promise<Trajectories> {
    const walk = this.walkForward(n, exploration);
    return walk.rewarded(await rewardBatchOf(this.env)(walk.terminals, n));
  }

  /**
   * {@link sampleForwardAsync} (the same draws from the same stream) that also records each
   * trajectory's log-probability log q(τ) = Σ_t log q(a_t|s_t) under the behaviour it was drawn
   * from (P_F at the current parameters, tempered and ε-mixed as `exploration` says): what an
   * importance weight P_F'(τ)/q(τ) needs once the parameters have moved on.
   */
  async sampleForwardRecorded(n: number, exploration?: ExplorationOptions): Promise<{ trajectories: Trajectories; behaviourLogProb: Float64Array }> {
    const behaviourLogProb = new Float64Array(n);
    const walk = this.walkForward(n, exploration, behaviourLogProb);
    return { trajectories: walk.rewarded(await rewardBatchOf(this.env)(walk.terminals, n)), behaviourLogProb };
  }

  /** The lock-step loop of the forward samplers, up to the rewards; adds each step's log q(a|s) to `logQ` (per trajectory) when given. */
  private walkForward(n: number, exploration: ExplorationOptions | undefined, logQ?: Float64Array): ForwardWalk {
    const { env } = this;
    const d = env.stateDim;
    const nA = env.nActions;
    const exit = nA - 1;
    const T = env.maxTrajectoryLength;
    const states = new Int32Array((T + 1) * n * d).fill(-1);
    const actions = new Int32Array(T * n).fill(-1);
    const lengths = new Int32Array(n);
    let activeRows = Int32Array.from({ length: n }, (_, i) => i);
    let current: Int32Array = new Int32Array(n * d);
    // an environment with a distribution of initial states (a condition drawn per trajectory) draws
    // them from this stream first; any other starts every trajectory at s0 and draws nothing here
    if (hasInitialStateDistribution(env)) current = env.initialStates(n, this.rng);
    else for (let i = 0; i < n; i++) current.set(env.s0, i * d);
    const terminals = new Int32Array(n * d);

    for (let t = 0; activeRows.length > 0; t++) {
      if (t >= T) throw new Error(`${env.name}: trajectory longer than maxTrajectoryLength ${T}`);
      for (let k = 0; k < activeRows.length; k++) states.set(current.subarray(k * d, k * d + d), (t * n + activeRows[k]!) * d);
      const mask = env.forwardMask(current);
      const logits = this.forwardLogits(current);
      const chosen = sampleMaskedCategorical(logits, mask, nA, this.rng, exploration);
      if (logQ) {
        const stepLogQ = behaviourLogProbs(logits, mask, nA, chosen, exploration ?? ON_POLICY);
        for (let k = 0; k < activeRows.length; k++) logQ[activeRows[k]!]! += stepLogQ[k]!;
      }
      const stillActive: number[] = [];
      for (let k = 0; k < activeRows.length; k++) {
        const i = activeRows[k]!;
        actions[t * n + i] = chosen[k]!;
        if (chosen[k] === exit) {
          lengths[i] = t + 1;
          terminals.set(current.subarray(k * d, k * d + d), i * d);
        } else stillActive.push(k);
      }
      const keep = Int32Array.from(stillActive);
      const next = env.step(selectRows(current, d, keep), selectRows(chosen, 1, keep));
      activeRows = Int32Array.from(stillActive, (k) => activeRows[k]!);
      current = next;
    }
    return { terminals, rewarded: (logRewards) => new Trajectories('forward', n, T, d, states, actions, lengths, logRewards) };
  }

  /**
   * One backward trajectory from each given terminal state (N x stateDim) down to s0 under the
   * backward policy P_B. `rng` defaults to the sampler's own stream; a replay buffer passes its own
   * so that replaying does not shift the forward samples. `logRewards`, when given, are the
   * terminal states' log-rewards, already known (see `reuseKnownRewards`); otherwise the
   * environment's `logReward` is asked.
   */
  sampleBackward(terminals: Int32Array, policy: BackwardPolicy, rng: Rng = this.rng, logRewards?: Float64Array): Trajectories {
    const { env } = this;
    const d = env.stateDim;
    const nB = env.nActions - 1;
    const n = terminals.length / d;
    const T = env.maxTrajectoryLength - 1;
    const states = new Int32Array((T + 1) * n * d);
    for (let r = 0; r < (T + 1) * n; r++) states.set(env.s0, r * d);
    const actions = new Int32Array(T * n).fill(-1);
    const lengths = new Int32Array(n);
    let current: Int32Array = terminals.slice();
    let activeRows = Int32Array.from({ length: n }, (_, i) => i);
    for (let t = 0; ; t++) {
      const initial = env.isInitial(current);
      const keep: number[] = [];
      for (let k = 0; k < activeRows.length; k++) {
        states.set(current.subarray(k * d, k * d + d), (t * n + activeRows[k]!) * d);
        if (initial[k]) lengths[activeRows[k]!] = t;
        else keep.push(k);
      }
      if (keep.length === 0) break;
      if (t >= T) throw new Error(`${env.name}: backward trajectory longer than ${T} steps`);
      const rows = Int32Array.from(keep);
      current = selectRows(current, d, rows);
      activeRows = Int32Array.from(keep, (k) => activeRows[k]!);
      const chosen = sampleMaskedCategorical(policy.samplingLogits(current), env.backwardMask(current), nB, rng);
      for (let k = 0; k < activeRows.length; k++) actions[t * n + activeRows[k]!] = chosen[k]!;
      current = env.backwardStep(current, chosen);
    }
    return new Trajectories('backward', n, T, d, states, actions, lengths, logRewards ?? env.logReward(terminals));
  }
}
