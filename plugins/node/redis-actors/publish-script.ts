import type { Redis } from 'ioredis';

/**
 * The learner's publication of new parameters, run atomically on the server: the parameters go
 * under their key (which holds only the newest) and each actor slot it is for gets a notice on its
 * control stream naming that key. A notice replaces the one before it when nothing came between
 * them on that stream: an actor applying a notice reads the key as it is then (the newest
 * parameters), and applies a publication at most once, so the newer notice is all an actor needs —
 * one that had read the older loses nothing, one that had not (a slot no process serves, or one that
 * takes the slot over) reads the newer. A slot whose actor never pushes, whose stream is therefore
 * never trimmed to its cursor, holds at most one notice however many updates the run makes; every
 * other message (request, acknowledgement, restore) stays in order.
 */

/**
 * KEYS: the parameters hash, then one control stream per target. ARGV: the number c of the hash's
 * field/value arguments, those c arguments, then each target's message number (`seq`). Replaces the
 * hash, then on each stream deletes the newest entry if it is a notice and appends the new one.
 */
const PUBLISH = `
local c = tonumber(ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2, c + 1))
for i = 2, #KEYS do
  local last = redis.call('XREVRANGE', KEYS[i], '+', '-', 'COUNT', 1)[1]
  if last and last[2][1] == 'kind' and last[2][2] == 'publish' then redis.call('XDEL', KEYS[i], last[1]) end
  redis.call('XADD', KEYS[i], '*', 'kind', 'publish', 'seq', ARGV[c + i], 'key', KEYS[1])
end
return 1`;

/** Where one notice goes: a slot's control stream, with the message number the learner gave it there. */
export interface PublishTarget {
  control: string;
  seq: string;
}

/** Publishes `fields` under `key` and notifies `targets` (see {@link PUBLISH}). */
export type PublishParameters = (key: string, fields: ReadonlyArray<string | Buffer>, targets: readonly PublishTarget[]) => Promise<void>;

type Script = (...args: Array<string | number | Buffer>) => Promise<number>;

/** Registers the script on `redis` (ioredis runs it by digest and sends it again after a server restart). */
export function publishScript(redis: Redis): PublishParameters {
  // the number of keys varies with the targets: given with each call
  redis.defineCommand('gfnActorPublish', { lua: PUBLISH });
  const scripts = redis as unknown as Record<'gfnActorPublish', Script>;
  return async (key, fields, targets) => {
    await scripts.gfnActorPublish(1 + targets.length, key, ...targets.map((t) => t.control), fields.length, ...fields, ...targets.map((t) => t.seq));
  };
}
