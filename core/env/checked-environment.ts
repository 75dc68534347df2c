import type { Environment } from './environment.js';
import { environmentView } from './environment-view.js';

/**
 * An environment broke its contract: a method threw, or returned an array of the wrong length or
 * a log-reward that is NaN or +Infinity. The message names the environment, the plugin that
 * contributed it, the method and what was wrong, so that a plugin's mistake surfaces as that, not
 * as a shape error deep inside the tensor library.
 */
export class EnvironmentError extends Error {
  constructor(
    /** Who broke it: `environment '<name>' of plugin '<plugin>'`. */
    readonly origin: string,
    /** The method of the contract that failed. */
    readonly method: string,
    what: string,
    options?: { cause: unknown },
  ) {
    super(`${origin}: ${method} ${what}`, options);
    this.name = 'EnvironmentError';
  }
}

/** The environments already guarded (a guarded one is not guarded twice). */
const guarded = new WeakSet<Environment>();

/**
 * `env` with the outputs of its contract checked where they are consumed: the sizes it declares
 * (checked here, once), then on every call the length of each returned array against the batch
 * (`step`, `backwardStep`, the masks, `logReward`, `encode`, `isInitial`) and each log-reward (NaN
 * and +Infinity are refused; −Infinity is a reward of 0). An exception a method throws is rethrown
 * as an {@link EnvironmentError} naming `origin` (`environment '<name>' of plugin '<plugin>'`).
 * The checks cost O(batch) per call, nothing per state component.
 */
export function checkedEnvironment<E extends Environment>(env: E, origin: string): E {
  if (guarded.has(env)) return env;
  checkDeclaredSizes(env, origin);
  const { stateDim, nActions, obsDim } = env;
  /** Runs `method` of the environment on a batch of `rows` states and checks the length of what it returns. */
  const call = <T extends ArrayLike<number>>(method: string, rows: number, width: number, run: () => T): T => {
    let out: T;
    try {
      out = run();
    } catch (err) {
      if (err instanceof EnvironmentError) throw err;
      throw new EnvironmentError(origin, method, `threw: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (out?.length !== rows * width) {
      throw new EnvironmentError(
        origin,
        method,
        `returned ${describeLength(out)} for a batch of ${rows} states; expected ${rows} x ${width} = ${rows * width}`,
      );
    }
    return out;
  };
  const rowsOf = (states: Int32Array): number => Math.floor(states.length / stateDim);
  const view = environmentView(env, {
    step: (states, actions) => call('step', actions.length, stateDim, () => env.step(states, actions)),
    backwardStep: (states, actions) => call('backwardStep', actions.length, stateDim, () => env.backwardStep(states, actions)),
    forwardMask: (states) => call('forwardMask', rowsOf(states), nActions, () => env.forwardMask(states)),
    backwardMask: (states) => call('backwardMask', rowsOf(states), nActions - 1, () => env.backwardMask(states)),
    encode: (states) => call('encode', rowsOf(states), obsDim, () => env.encode(states)),
    isInitial: (states) => call('isInitial', rowsOf(states), 1, () => env.isInitial(states)),
    logReward: (states) => {
      const out = call('logReward', rowsOf(states), 1, () => env.logReward(states));
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        // −Infinity is log 0, a valid reward; NaN and +Infinity poison every loss they reach
        if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
          const state = Array.from(states.subarray(i * stateDim, (i + 1) * stateDim));
          throw new EnvironmentError(
            origin,
            'logReward',
            `returned ${v} for state [${state.join(', ')}] (row ${i}); a log-reward must be a number or -Infinity (reward 0)`,
          );
        }
      }
      return out;
    },
  });
  guarded.add(view);
  return view;
}

/** The sizes an environment declares must be positive integers, and its s0 as long as a state. */
function checkDeclaredSizes(env: Environment, origin: string): void {
  const sizes = { stateDim: env.stateDim, obsDim: env.obsDim, maxTrajectoryLength: env.maxTrajectoryLength, nActions: env.nActions };
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < (name === 'nActions' ? 2 : 1)) {
      throw new EnvironmentError(origin, name, `is ${String(value)}; it must be an integer >= ${name === 'nActions' ? '2 (exit is the last action)' : '1'}`);
    }
  }
  if (env.s0?.length !== env.stateDim) throw new EnvironmentError(origin, 's0', `has ${describeLength(env.s0)}; expected stateDim = ${env.stateDim}`);
}

/** `length 3`, or what the value is when it has no length. */
function describeLength(value: unknown): string {
  const length = (value as { length?: unknown } | null | undefined)?.length;
  return typeof length === 'number' ? `length ${length}` : `${value === null ? 'null' : typeof value} (no array)`;
}
