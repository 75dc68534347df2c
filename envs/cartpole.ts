import type { GymEnv, GymEnvFactory, Info, StepResult } from '../core/gym/gym-env.js';
import { type Box, box, type Discrete, discrete } from '../core/gym/spaces.js';
import { Rng } from '../core/base/rng.js';

/** Physical constants and limits of {@link CartPole} (the classic-control values). */
export const CARTPOLE = {
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  /** Half the pole's length. */
  length: 0.5,
  forceMag: 10.0,
  /** Seconds per step. */
  tau: 0.02,
  /** The episode terminates when |θ| exceeds 12°. */
  thetaThreshold: (12 * 2 * Math.PI) / 360,
  /** … or when |x| exceeds 2.4. */
  xThreshold: 2.4,
  /** Steps after which an episode is truncated (CartPole-v1). */
  maxEpisodeSteps: 500,
} as const;

/** Options of {@link CartPole}. */
export interface CartPoleOptions {
  /** Truncation limit; default 500 (CartPole-v1). */
  maxEpisodeSteps?: number;
}

/**
 * CartPole (Barto, Sutton & Anderson 1983) with the dynamics of Gymnasium's CartPole-v1: a pole
 * hinged on a cart; action 0 pushes the cart left, 1 right, with force 10 N. State
 * (x, ẋ, θ, θ̇), integrated with explicit Euler steps of τ = 0.02 s:
 *
 *   temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
 *   θ̈   = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos²θ / (m_c + m_p)))
 *   ẍ   = temp − m_p l θ̈ cos θ / (m_c + m_p)
 *   x ← x + τ ẋ,  ẋ ← ẋ + τ ẍ,  θ ← θ + τ θ̇,  θ̇ ← θ̇ + τ θ̈
 *
 * Reward 1 for every step, the terminating one included. `terminated` when |x| > 2.4 or
 * |θ| > 12° after the step; `truncated` on the 500th step of an episode. Initial states are
 * uniform in [−0.05, 0.05]^4 from the environment's seeded {@link Rng}. The state is kept in
 * float64, observations are its float32 copy (as in Gymnasium).
 */
export class CartPole implements GymEnv {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete = discrete(2);
  readonly maxEpisodeSteps: number;
  private readonly s = new Float64Array(4);
  private rng = new Rng(0);
  private steps = 0;
  private done = true;

  constructor(options: CartPoleOptions = {}) {
    this.maxEpisodeSteps = options.maxEpisodeSteps ?? CARTPOLE.maxEpisodeSteps;
    const { xThreshold, thetaThreshold } = CARTPOLE;
    // twice the termination limits, so that the state that terminates is still inside the box
    this.observationSpace = box([-2 * xThreshold, -Infinity, -2 * thetaThreshold, -Infinity], [2 * xThreshold, Infinity, 2 * thetaThreshold, Infinity]);
  }

  /** The current state (x, ẋ, θ, θ̇) in float64 (a copy). */
  get state(): Float64Array {
    return this.s.slice();
  }

  /** Starts a new episode from the given state (tests and demonstrations). */
  setState(state: ArrayLike<number>): void {
    if (state.length !== 4) throw new Error(`cartpole: a state has 4 entries, got ${state.length}`);
    this.s.set(Array.from(state));
    this.steps = 0;
    this.done = false;
  }

  reset(options: { seed?: number } = {}): [Float32Array, Info] {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    for (let k = 0; k < 4; k++) this.s[k] = -0.05 + 0.1 * this.rng.uniform();
    this.steps = 0;
    this.done = false;
    return [Float32Array.from(this.s), {}];
  }

  step(action: number): StepResult {
    if (this.done) throw new Error('cartpole: step() after the episode ended; call reset()');
    if (action !== 0 && action !== 1) throw new Error(`cartpole: action must be 0 or 1, got ${action}`);
    const { gravity, massCart, massPole, length, forceMag, tau, xThreshold, thetaThreshold } = CARTPOLE;
    const totalMass = massPole + massCart;
    const poleMassLength = massPole * length;
    const x = this.s[0]!;
    const xDot = this.s[1]!;
    const theta = this.s[2]!;
    const thetaDot = this.s[3]!;
    const force = action === 1 ? forceMag : -forceMag;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
    const thetaAcc = (gravity * sin - cos * temp) / (length * (4 / 3 - (massPole * cos * cos) / totalMass));
    const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass;
    this.s[0] = x + tau * xDot;
    this.s[1] = xDot + tau * xAcc;
    this.s[2] = theta + tau * thetaDot;
    this.s[3] = thetaDot + tau * thetaAcc;
    this.steps += 1;
    const nx = this.s[0]!;
    const nTheta = this.s[2]!;
    const terminated = nx < -xThreshold || nx > xThreshold || nTheta < -thetaThreshold || nTheta > thetaThreshold;
    const truncated = this.steps >= this.maxEpisodeSteps;
    this.done = terminated || truncated;
    return [Float32Array.from(this.s), 1, terminated, truncated, {}];
  }
}

/** The Gym factory the `cartpole` environment plugin contributes. */
export function cartPoleFactory(options: CartPoleOptions = {}): GymEnvFactory {
  const probe = new CartPole(options);
  return { kind: 'gym', name: 'cartpole', observationSpace: probe.observationSpace, actionSpace: probe.actionSpace, make: () => new CartPole(options) };
}
