/**
 * The objective settings: 2-D HyperGrid (R0 = 0.01, MLP 4x256) per objective, no evaluation, each
 * run twice from the same seed: a plain run gives ms/it (no timing wrappers around the kernels),
 * an instrumented one the phase shares and the kernel, upload and read counts.
 */
import { resolveConfig } from '../../core/config/validate.js';
import { train } from '../../core/run/run.js';
import { difference, type ProfileSnapshot, Profiler } from '../profile.js';
import { type BenchContext, cpuMs, instrument, perUnit, type Result } from './instrument.js';

/** One objective's training run on HyperGrid. */
export interface ObjectiveSetting {
  kind: 'training';
  label: string;
  height: number;
  batchSize: number;
  /** Measured iterations (`--iterations` overrides). */
  iterations: number;
  /** The config's `objective` section. */
  objective: Record<string, unknown>;
}

const rl = (backward: string, optimizer = 'adam'): Record<string, unknown> => ({
  name: 'rl',
  backward,
  optimizer,
  lr: 0.001,
  lrZ: 0.1,
  lrV: 0.005,
  lambda: 0.99,
});
const hg = (label: string, objective: Record<string, unknown>, iterations = 100, height = 16, batchSize = 16): ObjectiveSetting => ({
  kind: 'training',
  label,
  height,
  batchSize,
  iterations,
  objective,
});

/** Every objective setting by id. */
export const OBJECTIVE_SETTINGS: Record<string, ObjectiveSetting> = {
  'tb-u': hg('TB-U, H=16, batch 16', { name: 'tb', backward: 'uniform' }),
  'tb-b': hg('TB-B, H=16, batch 16', { name: 'tb', backward: 'learned' }),
  'db-u': hg('DB-U, H=16, batch 16', { name: 'db', backward: 'uniform' }),
  'subtb-u': hg('SubTB-U, H=16, batch 16', { name: 'subtb', backward: 'uniform', lambda: 0.99 }),
  fm: hg('FM, H=16, batch 16', { name: 'fm' }),
  'rl-u': hg('RL-U, H=16, batch 16', rl('uniform')),
  'rl-b': hg('RL-B, H=16, batch 16', rl('coupled')),
  'rl-g': hg('RL-G, H=16, batch 16', rl('guided')),
  // a trust-region iteration costs several of the others: half as many
  'rl-t': hg('RL-T (uniform P_B), H=16, batch 16', rl('uniform', 'trpo'), 50),
  'tb-u-b128': hg('TB-U, H=16, batch 128', { name: 'tb', backward: 'uniform' }, 50, 16, 128),
  'rl-u-h64': hg('RL-U, H=64, batch 16', rl('uniform'), 100, 64),
};

/** Runs `s` plain and instrumented; ms/it and CPU ms/it come from the plain run. */
export async function runObjectiveSetting(id: string, s: ObjectiveSetting, ctx: BenchContext): Promise<Result> {
  const plain = await timeTraining(id, s, ctx, false);
  const profiled = await timeTraining(id, s, ctx, true);
  return { ...profiled, wallMs: plain.wallMs, cpuMs: plain.cpuMs, profiledWallMs: profiled.wallMs };
}

async function timeTraining(id: string, s: ObjectiveSetting, ctx: BenchContext, profiled: boolean): Promise<Result> {
  const warmup = ctx.warmup ?? 10;
  const measured = ctx.iterations ?? s.iterations;
  const config = resolveConfig(
    {
      name: `bench-speed-${id}`,
      seed: 0,
      backend: ctx.backend,
      engine: { name: ctx.engine },
      iterations: warmup + measured,
      batchSize: s.batchSize,
      env: { name: 'hypergrid', ndim: 2, height: s.height, R0: 0.01 },
      objective: s.objective,
      estimator: { name: 'mlp', hidden: [256, 256, 256, 256] },
      evaluation: { mode: 'none' },
    },
    ctx.registry,
  );
  // the plain run's profiler is never installed: its snapshots are zeros, only the clocks count
  const profiler = profiled ? instrument(new Profiler().install()) : new Profiler();
  let start: { snap: ProfileSnapshot; wall: number; cpu: number } | undefined;
  let end: { snap: ProfileSnapshot; wall: number; cpu: number } | undefined;
  try {
    await train(config, ctx.registry, {
      subscribers: [],
      beforeRun: (_container, bus) => {
        bus.iteration$.subscribe(({ iteration }) => {
          const mark = { snap: profiler.snapshot(), wall: performance.now(), cpu: cpuMs() };
          // iteration n is published after update n: the warm-up ends at iteration `warmup`;
          // without warm-up the measurement starts after the first update
          if (iteration === Math.max(warmup, 1)) start = mark;
          end = mark;
        });
      },
    });
  } finally {
    if (profiled) profiler.uninstall();
  }
  if (!start || !end) throw new Error('no iteration was measured');
  const count = warmup === 0 ? measured - 1 : measured;
  return {
    id,
    label: s.label,
    count,
    wallMs: (end.wall - start.wall) / count,
    cpuMs: (end.cpu - start.cpu) / count,
    profile: perUnit(difference(end.snap, start.snap), count),
  };
}
