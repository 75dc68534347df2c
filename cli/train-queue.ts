import type { ResolvedConfig } from '../core/config/schema.js';
import type { PluginRegistry } from '../core/plugin/plugin.js';
import { validateRedisUrl } from '../harness/queue/connection.js';
import { redisActorHost } from '../plugins/node/redis-actors/redis-actor-link.js';
import { DEFAULT_RUN_ID } from '../plugins/node/redis-actors/wire.js';
import { parseRedisWait } from './redis-wait.js';

/** `--queue` of `gfn train`: where the learner meets its `gfn actor` processes. */
export interface TrainQueueOptions {
  url: string;
  run?: string | undefined;
  redisWaitSeconds?: string | undefined;
}

/** `--run`: a run id of letters, digits, `.`, `_` and `-` (it names Redis keys); default {@link DEFAULT_RUN_ID}. */
export function parseRunId(run: string | undefined): string {
  if (run === undefined) return DEFAULT_RUN_ID;
  if (!/^[\w.-]+$/.test(run)) throw new Error(`--run ${JSON.stringify(run)}: expected letters, digits, '.', '_' or '-' (default "${DEFAULT_RUN_ID}")`);
  return run;
}

/**
 * Makes the run's actors `gfn actor` processes meeting it through the Redis server at `queue.url`
 * instead of worker threads. Refuses a config without actors, naming the field and its choices.
 */
export function useRedisActors(config: ResolvedConfig, registry: PluginRegistry, queue: TrainQueueOptions): void {
  validateRedisUrl(queue.url);
  const run = parseRunId(queue.run);
  const redisWaitSeconds = parseRedisWait(queue.redisWaitSeconds);
  if (!(config.actors >= 1)) {
    throw new Error(
      `--queue: the learner's actors are gfn actor processes, and the config asks for none: field "actors" = ${JSON.stringify(config.actors)}; valid choices: an integer from 1 to 64 (how many actor processes the learner expects)`,
    );
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  registry.trajectoryWorker = redisActorHost({ url: queue.url, run, redisWaitSeconds, log });
}
