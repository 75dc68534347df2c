import type { Environment } from '../env/environment.js';
import type { Box, Discrete } from './spaces.js';

/**
 * What `reset` and `step` report besides the observation. Fields are optional: an environment
 * fills what it knows, wrappers add theirs.
 */
export interface Info {
  /** Actions allowed in the returned observation's state, 1 = allowed (absent: all allowed). */
  actionMask?: Uint8Array;
  /** GFlowNet adapter: the underlying state (a copy). */
  state?: Int32Array;
  /** Vector environment, after an auto-reset: the finished episode's last observation and info. */
  final?: { observation: Float32Array; info: Info };
  /** Vector environment, when an episode finished on this step: its undiscounted return and length. */
  episode?: { return: number; length: number };
}

/** Options of {@link GymEnv.reset}. */
export interface ResetOptions {
  /** Re-seeds the environment's random stream (initial states); omitted: continue the stream. */
  seed?: number;
}

/** `[observation, reward, terminated, truncated, info]`, as in Gymnasium. */
export type StepResult = [observation: Float32Array, reward: number, terminated: boolean, truncated: boolean, info: Info];

/**
 * A Gymnasium-style environment: one episode at a time, one action per step.
 *
 * `terminated` means the episode reached a terminal state of the task (its value is 0);
 * `truncated` means it was cut off from outside (a time limit), so the last state still has a
 * value worth bootstrapping. After either, `step` throws until `reset` is called.
 * Observations are flat vectors inside {@link observationSpace}; actions are integers of
 * {@link actionSpace} (the trainer's policies are categorical).
 */
export interface GymEnv {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** Starts an episode: `[observation, info]`. */
  reset(options?: ResetOptions): [observation: Float32Array, info: Info];
  /** Applies `action`: `[observation, reward, terminated, truncated, info]`. */
  step(action: number): StepResult;
}

/**
 * An environment as the trainer sees it when algorithms collect their own experience: its spaces
 * and a way to make independent copies (vectorised rollouts run several). Environment plugins
 * contribute one of these for classic environments (CartPole); every GFlowNet environment gets
 * one through the adapter (`gymEnvFactoryOf`), which sets {@link gflownet}.
 */
export interface GymEnvFactory {
  readonly kind: 'gym';
  readonly name: string;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** A new copy with its own state and random stream. */
  make(): GymEnv;
  /** The GFlowNet environment behind the adapter; absent for classic environments. */
  readonly gflownet?: Environment;
}

/** Type guard: a classic environment contribution (a Gym factory) rather than a GFlowNet {@link Environment}. */
export function isGymEnvFactory(env: unknown): env is GymEnvFactory {
  return (
    typeof env === 'object' && env !== null && (env as Partial<GymEnvFactory>).kind === 'gym' && typeof (env as Partial<GymEnvFactory>).make === 'function'
  );
}
