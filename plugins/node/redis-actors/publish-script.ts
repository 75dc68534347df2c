import type { Redis } from 'ioredis';

/**
 * The learner's publication of new parameters: the parameters go under their key (which holds only
 * the newest) and each actor slot it is for gets a notice on its control stream naming that key. A
 * notice replaces the one before it when nothing came between them on that stream: an actor applying
 * a notice reads the key as it is then (the newest parameters), and applies a publication at most
 * once, so the newer notice is all an actor needs — one that had read the older loses nothing, one
 * that had not (a slot no process serves, or one that takes the slot over) reads the newer. A slot
 * whose actor never pushes, whose stream is therefore never trimmed to its cursor, holds at most one
 * notice however many updates the run makes; every other message (request, acknowledgement,
 * restore) stays in order.
 */

/**
 * KEYS: one control stream per target. ARGV: the parameters' key, then each target's message number
 * (`seq`). On each stream deletes the newest entry if it is a notice and appends the new one
 * (atomically: no message can come between the look and the append).
 */
const NOTIFY = `
for i = 1, #KEYS do
  local last = redis.call('XREVRANGE', KEYS[i], '+', '-', 'COUNT', 1)[1]
  if last and last[2][1] == 'kind' and last[2][2] == 'publish' then redis.call('XDEL', KEYS[i], last[1]) end
  redis.call('XADD', KEYS[i], '*', 'kind', 'publish', 'seq', ARGV[i + 1], 'key', ARGV[1])
end
return 1`;

/** Where one notice goes: a slot's control stream, with the message number the learner gave it there. */
export interface PublishTarget {
  control: string;
  seq: string;
}

/** Publishes `fields` under `key` and notifies `targets` (see {@link NOTIFY}). */
export type PublishParameters = (key: string, fields: ReadonlyArray<string | Buffer>, targets: readonly PublishTarget[]) => Promise<void>;

type Script = (...args: Array<string | number | Buffer>) => Promise<number>;

/** Registers the script on `redis` (ioredis runs it by digest and sends it again after a server restart). */
export function publishScript(redis: Redis): PublishParameters {
  // the number of keys varies with the targets: given with each call
  redis.defineCommand('gfnActorNotify', { lua: NOTIFY });
  const scripts = redis as unknown as Record<'gfnActorNotify', Script>;
  return async (key, fields, targets) => {
    // the key first, the notices once it is written: a notice applied before would find the previous
    // parameters (already applied) and be spent. The parameters stay out of the script (a Lua call
    // copies its arguments: measured slower for large ones)
    await redis
      .multi()
      .del(key)
      .hset(key, ...fields)
      .exec();
    await scripts.gfnActorNotify(targets.length, ...targets.map((t) => t.control), key, ...targets.map((t) => t.seq));
  };
}
