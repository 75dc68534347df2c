import type { ResolvedConfig } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import type { EvaluationEvent, IterationEvent } from '../../core/events/bus.js';
import { TOKENS } from '../../core/di/tokens.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { type TrainOptions, train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { snapshotParameters } from '../../core/sampling/trajectory-source.js';

export const registry = new PluginRegistry([builtinPlugin]);

/** A small TB-U HyperGrid config (2-D H=8 R0=0.1, MLP 2x64) with fields overridden by `patch` (resolved with `plugins`, default the built-in ones). */
export function smallConfig(patch: Record<string, unknown> = {}, plugins: PluginRegistry = registry): ResolvedConfig {
  const base: Record<string, unknown> = {
    name: 'test',
    seed: 0,
    backend: 'wasm',
    iterations: 100,
    batchSize: 16,
    env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.1 },
    objective: { name: 'tb', backward: 'uniform' },
    estimator: { name: 'mlp', hidden: [64, 64] },
    evaluation: { every: 10 },
  };
  return resolveConfig({ ...base, ...patch }, plugins);
}

/** Everything a run published, for assertions. */
export interface RecordedRun {
  iterations: IterationEvent[];
  evaluations: EvaluationEvent[];
}

/**
 * Trains without writing files or printing (only the exact evaluator is attached) and records the
 * streams. With `stopBelowTv`, the run stops at the first evaluation whose TV is below it (an
 * early-stopping subscriber, as a user would write one).
 */
export async function recordRun(config: ResolvedConfig, options: TrainOptions & { stopBelowTv?: number } = {}): Promise<RecordedRun> {
  const rec: RecordedRun = { iterations: [], evaluations: [] };
  await train(config, registry, {
    subscribers: ['evaluator'],
    ...options,
    beforeRun: (container, bus) => {
      bus.iteration$.subscribe((e) => rec.iterations.push(e));
      bus.evaluation$.subscribe((e) => {
        rec.evaluations.push(e);
        if (options.stopBelowTv !== undefined && e.metrics.tv! < options.stopBelowTv) container.get(TOKENS.Trainer).stop();
      });
      options.beforeRun?.(container, bus);
    },
  });
  return rec;
}

/**
 * Trains `config` (on `plugins`) without output, recording P_F's parameters after each update
 * (`snapshots[k]`: after k updates) and the fresh trajectories of each update, in order.
 */
export async function recordDraws(config: ResolvedConfig, plugins: PluginRegistry = registry): Promise<{ snapshots: Float32Array[][]; fresh: Trajectories[] }> {
  const snapshots: Float32Array[][] = [];
  const fresh: Trajectories[] = [];
  await train(config, plugins, {
    subscribers: [],
    beforeRun: (container, bus) => {
      const take = (): number => snapshots.push(snapshotParameters(container.get(TOKENS.ForwardEstimator), snapshots.length).values);
      bus.runStarted$.subscribe(take);
      bus.iteration$.subscribe(take);
      bus.trajectories$.subscribe((e) => fresh.push(e.sampled![0]!));
    },
  });
  return { snapshots, fresh };
}
