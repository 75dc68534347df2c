import type { ResolvedConfig } from '../../../core/config/schema.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { RedisActorLink } from '../../../plugins/node/redis-actors/redis-actor-link.js';
import { startGfn, type TestWorker } from '../../bench/queue-helpers.js';
import { smallConfig } from '../run-helpers.js';

/** A learner in this process whose actors are `gfn actor` processes at `url`, its link once started, and the lines it printed. */
export function redisLearner(url: string, run: string): { registry: PluginRegistry; link: () => RedisActorLink; lines: string[] } {
  let link: RedisActorLink | undefined;
  const lines: string[] = [];
  const registry = new PluginRegistry([
    {
      ...builtinPlugin,
      trajectoryWorker: {
        start: (r) => {
          link = new RedisActorLink(r, { url, run, redisWaitSeconds: 20, log: (l) => lines.push(l) });
          return link;
        },
      },
    },
  ]);
  return { registry, link: () => link!, lines };
}

/** Starts `gfn actor --queue url --run run` processes with 2-second leases (temporary files in `tmp`). */
export function startActors(count: number, url: string, run: string, tmp: string, extra: readonly string[] = []): TestWorker[] {
  return Array.from({ length: count }, () =>
    startGfn(['actor', '--queue', url, '--run', run, '--redis-wait-seconds', '20', '--lease-seconds', '2', ...extra], tmp),
  );
}

/** 2-D H=8 TB-U, MLP 2x32, 30 updates of 16 trajectories, two actors in lockstep with maxLag 0, no evaluation; `patch` overrides. */
export function redisActorsConfig(patch: Record<string, unknown> = {}): ResolvedConfig {
  return smallConfig({
    iterations: 30,
    actors: 2,
    actorSchedule: 'lockstep',
    maxLag: 0,
    estimator: { name: 'mlp', hidden: [32, 32] },
    evaluation: { every: 0 },
    engine: { name: 'backend' },
    ...patch,
  });
}
