import type { Environment } from '../env/environment.js';
import type { GymEnv, GymEnvFactory, Info, ResetOptions, StepResult } from './gym-env.js';
import { type Box, box, type Discrete, discrete } from './spaces.js';

/**
 * A GFlowNet {@link Environment} seen through the Gymnasium interface, so that classic RL
 * algorithms (PPO, REINFORCE) run on it unchanged.
 *
 * - observation = `env.encode(state)`; `info.state` holds the state, `info.actionMask` the
 *   forward mask (the exit action, `nActions − 1`, included);
 * - a non-exit action moves to `env.step(state, a)` with reward 0; the exit action ends the
 *   episode (`terminated`) with reward log R(x) of the state it exits from — so the undiscounted
 *   return of an episode is log R of the object built, the reward a reward maximiser maximises;
 * - after exit the observation stays that of x (s_f has no encoding) and no action is allowed;
 * - never `truncated`: every trajectory ends with exit within `maxTrajectoryLength` steps.
 * GFlowNet environments are deterministic and start at s0: `reset`'s seed changes nothing.
 * Actions outside the mask are errors, as in the environment itself.
 */
export class GFlowNetGymEnv implements GymEnv {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  private state: Int32Array;
  private done = true;

  constructor(readonly env: Environment) {
    this.observationSpace = box(-Infinity, Infinity, env.obsDim);
    this.actionSpace = discrete(env.nActions);
    this.state = env.s0.slice();
  }

  /** Back to s0; the seed is accepted for the interface and ignored (nothing here is random). */
  reset(_options?: ResetOptions): [Float32Array, Info] {
    this.state = this.env.s0.slice();
    this.done = false;
    return [this.env.encode(this.state), this.info(this.env.forwardMask(this.state))];
  }

  step(action: number): StepResult {
    const { env } = this;
    if (this.done) throw new Error(`${env.name} (gym adapter): step() after the episode ended; call reset()`);
    const mask = env.forwardMask(this.state);
    if (!Number.isInteger(action) || action < 0 || action >= env.nActions || !mask[action]) {
      throw new Error(`${env.name} (gym adapter): action ${action} is not allowed in state [${this.state.join(', ')}]`);
    }
    if (action === env.nActions - 1) {
      this.done = true;
      return [env.encode(this.state), env.logReward(this.state)[0]!, true, false, this.info(new Uint8Array(env.nActions))];
    }
    this.state = env.step(this.state, Int32Array.of(action));
    return [env.encode(this.state), 0, false, false, this.info(env.forwardMask(this.state))];
  }

  private info(actionMask: Uint8Array): Info {
    return { actionMask, state: this.state.slice() };
  }
}

/** The Gym factory of a GFlowNet environment: copies of {@link GFlowNetGymEnv} over the same (stateless) environment. */
export function gymEnvFactoryOf(env: Environment): GymEnvFactory {
  const probe = new GFlowNetGymEnv(env);
  return {
    kind: 'gym',
    name: env.name,
    observationSpace: probe.observationSpace,
    actionSpace: probe.actionSpace,
    make: () => new GFlowNetGymEnv(env),
    gflownet: env,
  };
}
