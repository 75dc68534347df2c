import { Rng } from '../base/rng.js';
import type { ResolvedConfig } from '../config/schema.js';
import { TOKENS } from '../di/tokens.js';
import type { TrajectoryWorkerHost } from '../plugin/plugin.js';
import { InThreadActorLink } from '../sampling/in-thread-actors.js';
import { InThreadTrajectorySource } from '../sampling/trajectory-source.js';
import { createRunContainer } from './container.js';
import type { RunContainer } from './run-container.js';
import { freeingOnFailure, throwIfFailed } from './teardown.js';

/**
 * Actors in the learner's thread ({@link InThreadActorLink}): each builds its environment and P_F
 * from the run's config with the run's plugins, as a worker thread would, and samples from its own
 * seed. No speed is gained; a plugin that sets this as its `trajectoryWorker` gets runs whose
 * numbers follow from the config alone under either schedule — the reference the worker threads are
 * checked against, and a way to stage a stale batch at a chosen update.
 */
export const inThreadActorHost: TrajectoryWorkerHost = {
  start: (run) => {
    const config = run.config as unknown as ResolvedConfig;
    const containers: RunContainer[] = [];
    // last built first, every one even if another fails
    const free = (): Error[] => containers.reverse().flatMap((c) => c.dispose());
    return freeingOnFailure(() => {
      const sources = run.seeds.map((seed) => {
        const container = createRunContainer(config, run.registry, run.backend);
        containers.push(container);
        return new InThreadTrajectorySource(container.get(TOKENS.Environment), container.get(TOKENS.ForwardEstimator), new Rng(seed));
      });
      return new InThreadActorLink(sources, () => throwIfFailed(free()));
    }, free);
  },
};
