import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { RedisActorLink } from '../../../plugins/node/redis-actors/redis-actor-link.js';
import { startGfn, type TestWorker } from '../../bench/queue-helpers.js';

/** A learner in this process whose actors are `gfn actor` processes at `url`, and its link once started. */
export function redisLearner(url: string, run: string): { registry: PluginRegistry; link: () => RedisActorLink } {
  let link: RedisActorLink | undefined;
  const registry = new PluginRegistry([
    {
      ...builtinPlugin,
      trajectoryWorker: {
        start: (r) => {
          link = new RedisActorLink(r, { url, run, redisWaitSeconds: 20, log: (l) => console.log(l) });
          return link;
        },
      },
    },
  ]);
  return { registry, link: () => link! };
}

/** Starts `gfn actor --queue url --run run` processes (temporary files in `tmp`). */
export function startActors(count: number, url: string, run: string, tmp: string, extra: readonly string[] = []): TestWorker[] {
  return Array.from({ length: count }, () => startGfn(['actor', '--queue', url, '--run', run, '--redis-wait-seconds', '20', ...extra], tmp));
}
