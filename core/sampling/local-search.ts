/**
 * Local search over terminal states (Kim et al. 2024, "Local Search GFlowNets").
 *
 * One proposal from a forward trajectory ending in x:
 * 1. walk back from x under P_B to s0 (a fresh backward path, not the trajectory's own), and cut it
 *    K steps above x at the junction s' (K fixed, or ⌈backRatio · path length⌉);
 * 2. complete s' forward under P_F (no ε, no temperature) to a new terminal x';
 * 3. accept τ' = (s0 ⇝ s' from the backward path) + (s' ⇝ x') with the Metropolis–Hastings ratio
 *      A = min(1, R(x') P_B(x' ⇝ s') P_F(s' ⇝ x) / (R(x) P_B(x ⇝ s') P_F(s' ⇝ x'))),
 *    where P_F(s' ⇝ ·) includes the exit, or greedily (accept iff R(x') ≥ R(x); ties are accepted
 *    so that a chain can cross a flat region); a rejected proposal keeps τ.
 * With P_F and P_B held fixed, the MH chain on x leaves R(x)/Z invariant: the proposal of the
 * destroyed-and-rebuilt segment and its reverse are the two path probabilities in the ratio.
 *
 * Rounds chain: round r + 1 starts from round r's trajectories. Each round's trajectories (an
 * accepted proposal, or the kept trajectory) are what a caller trains on or stores.
 *
 * Cost: per round one backward walk, one forward completion (one P_F call per step, on the
 * batch's rows) and one P_F and one P_B call on the destroyed and rebuilt segments.
 */
import type { Environment } from '../env/environment.js';
import { rewardBatchOf, reuseKnownRewards } from '../env/reward-batch.js';
import { type BackwardPolicy, UniformBackwardPolicy } from '../policy/backward.js';
import { maskedLogProbsOf } from '../policy/categorical.js';
import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import type { Rng } from '../base/rng.js';
import { readValues } from '../tensor/read.js';
import { completeForward } from './forward-completion.js';
import type { Sampler } from './sampler.js';
import { packForwardPaths, pathOf, type ForwardPath } from './paths.js';
import type { Trajectories } from './trajectories.js';

/** How many steps a proposal goes back: exactly one of `backSteps`, `backRatio`. */
export type BackDistance = { backSteps: number } | { backRatio: number };

/** Options of {@link LocalSearch}. */
export type LocalSearchOptions = BackDistance & {
  /** `mh`: Metropolis–Hastings with the proposal ratio; `greedy`: accept iff R(x') ≥ R(x). */
  acceptance: 'mh' | 'greedy';
};

/** One round of {@link LocalSearch.refine} on N trajectories. */
export interface RefinementRound {
  /** The N trajectories after accept/reject (forward, s0 to exit): what to train on. */
  trajectories: Trajectories;
  /** 1 where the proposal was accepted. */
  accepted: Uint8Array;
  /** log of the MH acceptance probability of each proposal (≤ 0; greedy: 0 or −∞). */
  logAcceptance: Float64Array;
}

/** The parts of one proposal per trajectory, before accept/reject (exposed for tests). */
export interface Proposals {
  /** The proposed forward trajectories τ'. */
  candidates: Trajectories;
  /** Steps gone back from each x. */
  backSteps: Int32Array;
  logPBDestroyed: Float64Array;
  logPFDestroyed: Float64Array;
  logPBRebuilt: Float64Array;
  logPFRebuilt: Float64Array;
  /** log R(x') − log R(x) + the proposal ratio, unclipped (the MH acceptance is min(0, this)). */
  logRatio: Float64Array;
}

/**
 * Refines forward trajectories by local search in terminal space. Stateless apart from its random
 * stream ({@link Checkpointable}); P_B is passed per call (default: uniform), so that the
 * objective's current, possibly learned, P_B is used.
 *
 * @example
 *   const ls = new LocalSearch(env, sampler, new Rng(seed), { backRatio: 0.5, acceptance: 'mh' });
 *   const rounds = await ls.refine(fresh, 7, backwardPolicy); // 7 rounds of fresh.nTraj trajectories each
 */
export class LocalSearch implements Checkpointable {
  /** The P_B used when a call names none. */
  private readonly uniformBackward: BackwardPolicy;

  constructor(
    private readonly env: Environment,
    private readonly sampler: Sampler,
    private readonly rng: Rng,
    private readonly options: LocalSearchOptions,
  ) {
    const o = options as Partial<{ backSteps: number; backRatio: number }>;
    if ((o.backSteps === undefined) === (o.backRatio === undefined)) throw new Error('local search: give exactly one of backSteps and backRatio');
    if (o.backSteps !== undefined && !(Number.isInteger(o.backSteps) && o.backSteps >= 1))
      throw new Error(`local search: backSteps = ${o.backSteps} must be an integer ≥ 1`);
    if (o.backRatio !== undefined && !(o.backRatio > 0 && o.backRatio <= 1)) throw new Error(`local search: backRatio = ${o.backRatio} must be in (0, 1]`);
    this.uniformBackward = new UniformBackwardPolicy(env);
  }

  saveState(): StateRecord {
    return { rng: this.rng.getState() };
  }

  loadState(state: StateRecord): void {
    this.rng.setState(state.rng as number[]);
  }

  /** Steps to go back from a terminal state whose backward path has `pathLength` steps. */
  backStepsFor(pathLength: number): number {
    const o = this.options as Partial<{ backSteps: number; backRatio: number }>;
    if (o.backSteps !== undefined) return Math.min(o.backSteps, pathLength);
    return Math.min(pathLength, Math.ceil(o.backRatio! * pathLength));
  }

  /** `rounds` chained rounds of propose + accept/reject, starting from `batch` (forward). */
  async refine(batch: Trajectories, rounds: number, backward: BackwardPolicy = this.uniformBackward): Promise<RefinementRound[]> {
    if (batch.direction !== 'forward') throw new Error('local search: expected forward trajectories');
    const out: RefinementRound[] = [];
    let current = batch;
    for (let r = 0; r < rounds; r++) {
      const round = await this.step(current, backward);
      out.push(round);
      current = round.trajectories;
    }
    return out;
  }

  /** One proposal per trajectory and its accept/reject decision. */
  async step(batch: Trajectories, backward: BackwardPolicy = this.uniformBackward): Promise<RefinementRound> {
    const p = await this.propose(batch, backward);
    const n = batch.nTraj;
    const accepted = new Uint8Array(n);
    const logAcceptance = new Float64Array(n);
    const paths: ForwardPath[] = [];
    const logRewards = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (this.options.acceptance === 'greedy') logAcceptance[i] = p.candidates.logRewards[i]! >= batch.logRewards[i]! ? 0 : -Infinity;
      else logAcceptance[i] = Math.min(0, p.logRatio[i]!);
      // draw for every row in both rules, so the stream's position does not depend on the rule
      const u = this.rng.uniform();
      accepted[i] = u < Math.exp(logAcceptance[i]!) ? 1 : 0;
      const source = accepted[i] ? p.candidates : batch;
      paths.push(pathOf(source, i));
      logRewards[i] = source.logRewards[i]!;
    }
    return { trajectories: packForwardPaths(this.env, paths, logRewards), accepted, logAcceptance };
  }

  /**
   * One proposal τ' per trajectory of `batch` with the terms of its acceptance ratio. The new
   * terminal states' rewards are awaited through `rewardBatchOf` (a reward service is asked only for
   * those; the rewards of `batch` are reused).
   */
  async propose(batch: Trajectories, backward: BackwardPolicy = this.uniformBackward): Promise<Proposals> {
    const { env } = this;
    const d = env.stateDim;
    const exit = env.nActions - 1;
    const n = batch.nTraj;
    const x = batch.terminalStates();
    const bwd = this.sampler.sampleBackward(x, backward, this.rng, reuseKnownRewards(env, batch.logRewards));
    const backSteps = new Int32Array(n);
    const junctions = new Int32Array(n * d);
    // destroyed segment: backward rows (state t, action t) for t < K; forward rows (state t+1, action t) and the exit at x
    const bStates: number[] = [];
    const bActions: number[] = [];
    const bOwner: number[] = [];
    const fStates: number[] = [];
    const fActions: number[] = [];
    const fOwner: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = this.backStepsFor(bwd.lengths[i]!);
      backSteps[i] = k;
      junctions.set(bwd.state(k, i), i * d);
      for (let t = 0; t < k; t++) {
        bStates.push(...bwd.state(t, i));
        bActions.push(bwd.action(t, i));
        bOwner.push(i);
        fStates.push(...bwd.state(t + 1, i));
        fActions.push(bwd.action(t, i));
        fOwner.push(i);
      }
      fStates.push(...bwd.state(0, i));
      fActions.push(exit);
      fOwner.push(i);
    }
    const logPBDestroyed = this.sumBackward(backward, Int32Array.from(bStates), Int32Array.from(bActions), bOwner, n);
    const logPFDestroyed = this.sumForward(Int32Array.from(fStates), fActions, fOwner, n);

    const completion = completeForward(env, (s) => this.sampler.forwardLogits(s), junctions, env.maxTrajectoryLength, this.rng);
    const rStates: number[] = [];
    const rActions: number[] = [];
    const rOwner: number[] = [];
    const paths: ForwardPath[] = [];
    for (let i = 0; i < n; i++) {
      const cs = completion.states[i]!;
      const ca = completion.actions[i]!;
      // rebuilt segment, backward view: from c_{t+1} back to c_t by the action's index
      for (let t = 0; t + 1 < cs.length; t++) {
        rStates.push(...cs[t + 1]!);
        rActions.push(ca[t]!);
        rOwner.push(i);
      }
      // τ' = s0 ⇝ s' (the backward path reversed) then the completion
      const len = bwd.lengths[i]!;
      const states: Int32Array[] = [];
      const actions: number[] = [];
      for (let t = len; t > backSteps[i]!; t--) {
        states.push(bwd.state(t, i).slice());
        actions.push(bwd.action(t - 1, i));
      }
      paths.push({ states: [...states, ...cs], actions: [...actions, ...ca] });
    }
    const logPBRebuilt = this.sumBackward(backward, Int32Array.from(rStates), Int32Array.from(rActions), rOwner, n);
    const logRNew = await rewardBatchOf(env)(completion.terminals, n);
    const candidates = packForwardPaths(env, paths, logRNew);
    const logRatio = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      logRatio[i] = logRNew[i]! - batch.logRewards[i]! + logPBRebuilt[i]! + logPFDestroyed[i]! - logPBDestroyed[i]! - completion.logPF[i]!;
    }
    return { candidates, backSteps, logPBDestroyed, logPFDestroyed, logPBRebuilt, logPFRebuilt: completion.logPF, logRatio };
  }

  /** Σ per owner of log P_B(action | state) over the given backward rows. */
  private sumBackward(backward: BackwardPolicy, states: Int32Array, actions: Int32Array, owner: number[], n: number): Float64Array {
    const out = new Float64Array(n);
    if (actions.length === 0) return out;
    const lp = readValues(() => backward.logProbs(states, actions));
    owner.forEach((i, m) => (out[i]! += lp[m]!));
    return out;
  }

  /** Σ per owner of log P_F(action | state) over the given forward rows. */
  private sumForward(states: Int32Array, actions: number[], owner: number[], n: number): Float64Array {
    const out = new Float64Array(n);
    if (actions.length === 0) return out;
    const lp = maskedLogProbsOf(this.sampler.forwardLogits(states), this.env.forwardMask(states), this.env.nActions, actions);
    owner.forEach((i, m) => (out[i]! += lp[m]!));
    return out;
  }
}
