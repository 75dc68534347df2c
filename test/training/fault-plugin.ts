import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Objective } from '../../core/objectives/objective.js';
import { definePlugin, type Resolver } from '../../core/plugin/plugin.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { HyperGrid, type HyperGridOptions } from '../../envs/hypergrid.js';
import { hypergridContribution } from '../../plugins/builtin/envs.js';

interface FaultyGridOptions extends HyperGridOptions {
  /** The environment's `step` throws on this call (0 = never). */
  failAtStep: number;
  /** `allStates()` lists the states children first: the exact evaluator refuses it (a plugin's bug it catches). */
  unorderedStates: boolean;
}

/** A HyperGrid with the faults its options ask for. */
function faultyGrid(options: FaultyGridOptions): HyperGrid {
  const env = new HyperGrid(options);
  const step = env.step.bind(env);
  let calls = 0;
  env.step = (states, actions) => {
    calls += 1;
    if (calls === options.failAtStep) throw new Error(`faulty-grid: step call ${calls} failed (a scripted fault)`);
    return step(states, actions);
  };
  if (options.unorderedStates) {
    const allStates = env.allStates.bind(env);
    env.allStates = () => {
      const states = allStates();
      const d = env.stateDim;
      const reversed = new Int32Array(states.length);
      for (let row = 0; row < states.length / d; row++) reversed.set(states.subarray(row * d, row * d + d), states.length - (row + 1) * d);
      return reversed;
    };
  }
  return env;
}

/** TB-U (learned log Z from 0, lr 1e-3, lrZ 0.1) on the run's environment and P_F: what the test objectives break. */
export function tbUniform(resolve: Resolver): TrajectoryBalance {
  const env = resolve.get(TOKENS.Environment);
  return new TrajectoryBalance(env, resolve.get(TOKENS.ForwardEstimator), new UniformBackwardPolicy(env), {
    lr: 1e-3,
    lrZ: 0.1,
    logZInit: 0,
    logRewardClip: -12,
  });
}

/** Reads a whole number from the environment variable `name` (0 when unset). */
const fromEnv = (name: string): number => Number(process.env[name] ?? 0);

/**
 * A test plugin, loaded by path from configs, with faults on request:
 * - environment `faulty-grid`: a HyperGrid whose `step` throws on call `failAtStep`, or whose
 *   `allStates()` is not parents-first (`unorderedStates`: the exact evaluator refuses it);
 * - objective `faulty-tb`: TB-U whose update throws at iteration `failAt`;
 * - subscriber `faults`, driven by environment variables (a subscriber has no options):
 *   `FAULT_LOGGER_AT=k` throws at iteration k; `FAULT_TIMER_AT=k` throws from a timer at iteration k
 *   (an exception nothing catches); `FAULT_BLOCK_AT=k` prints `blocking at iteration k` and then
 *   blocks for `FAULT_BLOCK_MS` milliseconds (so that a test can signal it mid-run).
 */
export default definePlugin({
  name: 'faults',
  envs: [
    {
      name: 'faulty-grid',
      description: 'a HyperGrid with scripted faults (tests)',
      schema: {
        properties: {
          ...hypergridContribution.schema.properties,
          failAtStep: { type: 'integer', minimum: 0, default: 0 },
          unorderedStates: { type: 'boolean', default: false },
        },
      },
      create: (options) => faultyGrid(options as unknown as FaultyGridOptions),
    },
  ],
  objectives: [
    {
      name: 'faulty-tb',
      description: 'TB-U whose update throws at iteration failAt (tests)',
      schema: { properties: { failAt: { type: 'integer', minimum: 1 } }, required: ['failAt'] },
      create: (options: { failAt: number }, resolve: Resolver): Objective => {
        const tb = tbUniform(resolve);
        return {
          name: 'faulty-tb',
          update: (batch) => {
            if (batch.iteration === options.failAt) throw new Error('faulty-tb: the scripted update fault');
            return tb.update(batch);
          },
          logZ: () => tb.logZ(),
          checkpointParts: () => tb.checkpointParts(),
          dispose: () => tb.dispose(),
        };
      },
    },
  ],
  subscribers: [
    {
      name: 'faults',
      description: 'throws, throws from a timer or blocks at the iterations FAULT_* environment variables name (tests)',
      attach: (resolve) => {
        const [loggerAt, timerAt, blockAt] = [fromEnv('FAULT_LOGGER_AT'), fromEnv('FAULT_TIMER_AT'), fromEnv('FAULT_BLOCK_AT')];
        return resolve.get(TOKENS.EventBus).iteration$.subscribe(({ iteration }) => {
          if (iteration === loggerAt) throw new Error('faults: the scripted logger fault');
          if (iteration === timerAt)
            setTimeout(() => {
              throw new Error('faults: the scripted timer fault');
            }, 0);
          if (iteration === blockAt) {
            process.stdout.write(`blocking at iteration ${iteration}\n`);
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, fromEnv('FAULT_BLOCK_MS'));
          }
        });
      },
    },
  ],
});
