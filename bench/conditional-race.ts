/**
 * The race of bench/conditional.ts (and of the long test test/long/conditional-tb.test.ts): for one
 * seed, how many iterations unconditional TB on the 2-D HyperGrid (H = 8, the environment's default
 * rewards) needs until its exact TV is below 0.1 at β = 1, and how many one conditional TB run
 * trained on β ~ log-uniform[0.5, 4] needs until its exact TV is below 0.1 at each β of the grid
 * {0.5, 1, 2, 4} (its `tvMax`). Both runs share the batch size, the networks and the learning rates;
 * each stops at the first evaluation that meets its criterion.
 */
import { resolveConfig } from '../core/config/validate.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

/** The TV both runs must reach. */
export const TV_TARGET = 0.1;

/** The settings of a race. */
export interface RaceSettings {
  /** Most iterations either run may take. */
  iterations: number;
  /** Evaluate every k iterations. */
  every: number;
  hidden: number[];
  /** The conditional run's `condition.encoding` and `condition.residualWeight`. */
  encoding: string;
  residualWeight: string;
  /** The runs' `engine.name`: where the MLPs' passes run (`auto`: native kernels where present). */
  engine: string;
  /** Where the runs write their folders. */
  dir: string;
}

export const DEFAULT_RACE: RaceSettings = {
  iterations: 4000,
  every: 50,
  hidden: [128, 128],
  encoding: 'product',
  residualWeight: 'inverse-beta',
  engine: 'auto',
  dir: 'runs/bench-conditional',
};

/** How one run did. */
export interface Outcome {
  /** First evaluated iteration at which the criterion held; undefined if it never did. */
  reached?: number;
  /** TV (unconditional) or tvMax (conditional) at that iteration, or at the last evaluation. */
  tv: number;
  /** The per-β TVs then (conditional). */
  perBeta?: Record<string, number>;
  seconds: number;
  /** CPU time of the process (user + system) over the run, every thread of it. */
  cpuSeconds: number;
  /** Iterations trained (to the stop, or all of them). */
  iterations: number;
  backend: string;
}

const registry = new PluginRegistry([builtinPlugin]);

/** The config both runs share. */
function sharedConfig(name: string, seed: number, s: RaceSettings): Record<string, unknown> {
  return {
    name,
    seed,
    iterations: s.iterations,
    batchSize: 16,
    env: { name: 'hypergrid', ndim: 2, height: 8 },
    // β·log R reaches 4·log 0.01 ≈ −18.4 at β = 4: the default clip (−12) would change the target there
    objective: { name: 'tb', lr: 1e-3, lrZ: 0.1, logRewardClip: -20 },
    estimator: { name: 'mlp', hidden: s.hidden },
    engine: { name: s.engine },
    evaluation: { every: s.every, atStart: false },
    checkpoint: { every: 0 },
    logging: { dir: s.dir, progress: 'none' },
  };
}

/** Trains until `metric` < {@link TV_TARGET} at an evaluation (then stops the run) or the iterations run out. */
async function firstBelow(config: Record<string, unknown>, metric: string): Promise<Outcome> {
  const stop = new AbortController();
  let seen: Omit<Outcome, 'seconds' | 'cpuSeconds' | 'iterations' | 'backend'> = { tv: Number.NaN };
  let iterations = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { backend } = await train(resolveConfig(config, registry), registry, {
    subscribers: ['evaluator'],
    signal: stop.signal,
    beforeRun: (_container, bus) => {
      bus.iteration$.subscribe(() => {
        iterations += 1;
      });
      bus.evaluation$.subscribe(({ iteration, metrics }) => {
        if (seen.reached !== undefined) return;
        const perBeta = Object.fromEntries(Object.entries(metrics).filter(([k]) => k.startsWith('tv@')));
        seen = { tv: metrics[metric]!, ...(Object.keys(perBeta).length > 0 ? { perBeta } : {}) };
        if (seen.tv < TV_TARGET) {
          seen.reached = iteration;
          stop.abort('reached');
        }
      });
    },
  });
  const cpu = process.cpuUsage(cpu0);
  return { ...seen, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, iterations, backend };
}

/** The two runs of one seed. */
export async function race(seed: number, settings: RaceSettings = DEFAULT_RACE): Promise<{ unconditional: Outcome; conditional: Outcome }> {
  const unconditional = await firstBelow(sharedConfig(`tb-beta1-s${seed}`, seed, settings), 'tv');
  const conditional = await firstBelow(
    {
      ...sharedConfig(`tb-conditional-s${seed}`, seed, settings),
      condition: {
        beta: { distribution: 'log-uniform', min: 0.5, max: 4 },
        grid: [0.5, 1, 2, 4],
        encoding: settings.encoding,
        residualWeight: settings.residualWeight,
      },
    },
    'tvMax',
  );
  return { unconditional, conditional };
}
