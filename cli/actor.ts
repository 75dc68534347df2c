import { validateRedisUrl } from '../harness/queue/connection.js';
import { runRedisActor } from '../plugins/node/redis-actors/redis-actor-process.js';
import { parseRedisWait } from './redis-wait.js';
import { parseRunId } from './train-queue.js';

/** Options of the `gfn actor` command line. */
export interface ActorCommandLine {
  queue: string;
  run?: string;
  redisWaitSeconds?: string;
  leaseSeconds?: string;
}

/**
 * `gfn actor --queue redis://… [--run ID]`: one sampling actor process for the learner that
 * `gfn train … --queue` started with the same run id. It claims a free actor slot, builds the
 * environment and P_F from the config the learner published and samples until the learner ends the
 * run (exit 0); a resumed learner is joined again. SIGINT / SIGTERM stop it at once: its pushed
 * batches stay in Redis for the learner, and its slot frees for another process.
 */
export async function actorCommand(opts: ActorCommandLine): Promise<void> {
  validateRedisUrl(opts.queue);
  const redisWaitSeconds = parseRedisWait(opts.redisWaitSeconds);
  const run = parseRunId(opts.run);
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  const lease = opts.leaseSeconds === undefined ? undefined : Number(opts.leaseSeconds);
  if (lease !== undefined && !(lease >= 0.5 && Number.isFinite(lease)))
    throw new Error(`--lease-seconds ${JSON.stringify(opts.leaseSeconds)}: expected a number of seconds ≥ 0.5 (default 5)`);
  await runRedisActor({ url: opts.queue, run, redisWaitSeconds, log: say, ...(lease !== undefined ? { leaseMs: lease * 1000 } : {}) });
}
