/**
 * Runs one environment setting: a plain run for the reported ms/it (and, after the measured
 * iterations, one evaluation of the config's kind), then an instrumented run from the same seed
 * that splits each iteration into environment work (a timing wrapper around the Environment),
 * network passes, loss + optimizer, the sampler's own work and the rest, and records the network
 * passes for the network-only floor.
 */
import { readFileSync } from 'node:fs';
import type { Subscription } from 'rxjs';
import type { Token } from '../../core/base/token.js';
import { preflight } from '../../core/config/preflight.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { EvaluationEvent } from '../../core/events/bus.js';
import { isGymEnvFactory } from '../../core/gym/gym-env.js';
import type { Resolver } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { startEngines } from '../../core/tensor/engines.js';
import { evaluatorSubscriber } from '../../plugins/builtin/evaluation.js';
import { difference, type ProfileSnapshot, Profiler } from '../profile.js';
import type { EnvironmentSetting } from './environments.js';
import { type FloorResult, NetworkPasses } from './floor.js';
import { type BenchContext, cpuMs, instrument, perUnit } from './instrument.js';
import { type IterationSplit, splitIteration } from './split.js';
import { timedEnvironment, timedGymFactory } from './timed-env.js';

/** The evaluation timed after the plain run's measured iterations. */
export interface EvaluationTiming {
  method: EvaluationEvent['method'];
  wallMs: number;
  cpuMs: number;
}

/** One environment setting's figures, per iteration. */
export interface EnvironmentResult {
  id: string;
  label: string;
  /** Iterations measured. */
  count: number;
  /** Plain run: wall and CPU ms/it, no timing wrappers. */
  wallMs: number;
  cpuMs: number;
  /** Instrumented run: wall and CPU ms/it, which {@link split} divides. */
  profiledWallMs: number;
  profiledCpuMs: number;
  split: IterationSplit;
  /** Environment ms/it by contract method (instrumented run). */
  envMs: Record<string, number>;
  /** The instrumented run's counters per iteration. */
  profile: ProfileSnapshot;
  /** The instrumented run's network passes replayed alone; absent when it made none. */
  floor?: FloorResult;
  /** Absent with `--no-evaluation`, `evaluation.mode: none`, or an environment without evaluation. */
  evaluation?: EvaluationTiming;
}

/** Runs `s` plain, then instrumented, from the same seed. */
export async function runEnvironmentSetting(id: string, s: EnvironmentSetting, ctx: BenchContext): Promise<EnvironmentResult> {
  const plain = await timeRun(id, s, ctx, false);
  const profiled = await timeRun(id, s, ctx, true);
  const count = profiled.count;
  const perIt = perUnit(difference(profiled.end.snap, profiled.start.snap), count);
  const profiledWallMs = (profiled.end.wall - profiled.start.wall) / count;
  return {
    id,
    label: s.label,
    count,
    wallMs: (plain.end.wall - plain.start.wall) / count,
    cpuMs: (plain.end.cpu - plain.start.cpu) / count,
    profiledWallMs,
    profiledCpuMs: (profiled.end.cpu - profiled.start.cpu) / count,
    split: splitIteration(perIt.ms, profiledWallMs),
    envMs: profiled.envMs,
    profile: perIt,
    ...(profiled.floor ? { floor: profiled.floor } : {}),
    ...(plain.evaluation ? { evaluation: plain.evaluation } : {}),
  };
}

/** The counters and clocks at one instant. */
interface Mark {
  snap: ProfileSnapshot;
  wall: number;
  cpu: number;
}

/** One run's measured stretch: from the end of the warm-up to the last measured iteration. */
interface TimedRun {
  count: number;
  start: Mark;
  end: Mark;
  envMs: Record<string, number>;
  floor?: FloorResult;
  evaluation?: EvaluationTiming;
}

/** The setting's config with the bench's name, seed, length, backend and engine. */
function settingConfig(id: string, s: EnvironmentSetting, ctx: BenchContext, iterations: number): Record<string, unknown> {
  const base = typeof s.config === 'string' ? (JSON.parse(readFileSync(s.config, 'utf8')) as Record<string, unknown>) : s.config;
  return { ...base, name: `bench-speed-${id}`, seed: 0, iterations, backend: ctx.backend, engine: { name: ctx.engine } };
}

async function timeRun(id: string, s: EnvironmentSetting, ctx: BenchContext, profiled: boolean): Promise<TimedRun> {
  const warmup = ctx.warmup ?? s.warmup;
  const count = ctx.iterations ?? s.iterations;
  // iteration events mark the ends of updates: the measured stretch needs one before it
  if (warmup < 1 || count < 1) throw new Error(`--warmup and --iterations must be >= 1 for environment settings; got ${warmup} and ${count}`);
  const last = warmup + count;
  // one iteration more than measured: the evaluation at the end of the run hangs on it
  const config = resolveConfig(settingConfig(id, s, ctx, last + 1), ctx.registry);
  // the environment is built here, not by the run, so that the wrapper can go around it
  const { environment } = preflight(config, ctx.registry);
  const profiler = new Profiler();
  const passes = new NetworkPasses();
  const byMethod = new Map<string, number>();
  const timed = !profiled
    ? environment
    : isGymEnvFactory(environment)
      ? timedGymFactory(environment, profiler, byMethod)
      : timedEnvironment(environment, profiler, byMethod);
  // evaluation in the plain run only: the wrappers would inflate it
  const evaluate = ctx.evaluation && !profiled && config.evaluation.mode !== 'none';
  let start: Mark | undefined;
  let end: Mark | undefined;
  let evaluationStart: Mark | undefined;
  let evaluation: EvaluationTiming | undefined;
  let evaluator: Subscription | undefined;
  let envMs: Record<string, number> = {};
  const mark = (): Mark => ({ snap: profiler.snapshot(), wall: performance.now(), cpu: cpuMs() });
  try {
    await train(config, ctx.registry, {
      subscribers: [],
      environment: timed,
      beforeRun: (container, bus) => {
        if (profiled) {
          // the network wrappers need the run's training kernels, which exist once the container does
          const { kernels } = container.get(TOKENS.Kernels);
          instrument(profiler.install());
          passes.install(profiler, kernels);
        }
        bus.iteration$.subscribe(({ iteration }) => {
          if (iteration === warmup) {
            start = mark();
            byMethod.clear();
            passes.recording = true;
          } else if (iteration === last) {
            end = mark();
            envMs = Object.fromEntries([...byMethod].map(([m, ms]) => [m, ms / count]));
            passes.recording = false;
            // the evaluator is attached only now, told to evaluate once, at the end of the run:
            // during the measured iterations it would neither run nor subscribe
            const evaluationOnly: ResolvedConfig = { ...config, evaluation: { ...config.evaluation, every: 0, atStart: false } };
            const resolve: Resolver = {
              get: <T>(token: Token<T>): T => (token === TOKENS.Config ? (evaluationOnly as T) : container.get(token)),
            };
            if (evaluate) evaluator = evaluatorSubscriber.attach(resolve);
          } else if (iteration === last + 1) evaluationStart = mark();
        });
        bus.evaluation$.subscribe(({ method }) => {
          const done = mark();
          if (evaluationStart) evaluation = { method, wallMs: done.wall - evaluationStart.wall, cpuMs: done.cpu - evaluationStart.cpu };
        });
      },
    });
  } finally {
    profiler.uninstall();
    evaluator?.unsubscribe();
  }
  if (!start || !end) throw new Error(`${id}: no iteration was measured`);
  let floor: FloorResult | undefined;
  if (profiled) {
    // the run's kernels were freed with its container: the replay starts the engines again
    const engines = startEngines(config.engine, [...ctx.registry.engines.values()]);
    try {
      floor = passes.replay(count, engines.kernels);
    } finally {
      engines.kernels?.dispose();
    }
  }
  return { count, start, end, envMs, ...(floor ? { floor } : {}), ...(evaluation ? { evaluation } : {}) };
}
