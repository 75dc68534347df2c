import type { ResolvedConfig } from '../../../core/config/schema.js';
import type { IterationEvent } from '../../../core/events/bus.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { inThreadActorHost } from '../../../core/run/in-thread-actor-host.js';
import { train } from '../../../core/run/run.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';

/** The built-in plugins with the actors in this thread instead of worker threads. */
export const inThread = new PluginRegistry([{ ...builtinPlugin, trajectoryWorker: inThreadActorHost }]);

/** What a run with actors published. */
export interface ActorRun {
  iterations: IterationEvent[];
  /** The fresh trajectories of each update, as trained on. */
  freshTrajectories: number[];
}

/** Trains `config` on `registry` without files or output, recording its iterations and fresh batch sizes (and calling `onIteration` with each iteration). */
export async function actorRun(config: ResolvedConfig, registry: PluginRegistry, onIteration?: (e: IterationEvent) => void): Promise<ActorRun> {
  const run: ActorRun = { iterations: [], freshTrajectories: [] };
  await train(config, registry, {
    subscribers: [],
    beforeRun: (_container, bus) => {
      bus.iteration$.subscribe((e) => {
        run.iterations.push(e);
        onIteration?.(e);
      });
      bus.trajectories$.subscribe((e) => run.freshTrajectories.push(e.sampled![0]!.nTraj));
    },
  });
  return run;
}

/** The numbers of a run, without its timings and rates. */
export function numbersOf(run: ActorRun): unknown[] {
  return run.iterations.map((e) => ({
    metrics: e.metrics,
    trajectoriesSeen: e.trajectoriesSeen,
    staleness: e.actors?.staleness,
    dropped: e.actors?.droppedBatches,
  }));
}
