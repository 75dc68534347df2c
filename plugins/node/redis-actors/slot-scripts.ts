import type { Redis } from 'ioredis';

/**
 * The scripts an actor process runs atomically on the server: holding its slot, and pushing a batch
 * together with what a replacement of it would need (its random stream after the batch and the
 * control entry it had reached), so that a process killed at any moment leaves the slot's state as
 * of its last pushed batch, never half of one.
 */

/** Takes the lease if it is free or ours (renewing it); 1, or 0 when another process holds it. */
const HOLD = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** Frees the lease if it is ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * KEYS: lease, batches stream, slot state, control stream. ARGV: incarnation, lease ms, random
 * stream (JSON), cursor (control entry id), then the batch's fields. Holds the lease, records the
 * slot's state, trims the control stream to the cursor and adds the batch; 0 (nothing done) when
 * another process holds the slot.
 */
const PUSH = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[3], 'rngState', ARGV[3], 'cursor', ARGV[4])
if ARGV[4] ~= '0' then redis.call('XTRIM', KEYS[4], 'MINID', ARGV[4]) end
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 5))
return 1`;

/** A process's slot was taken by another while this one was stalled past its lease: it stops sampling in it and waits for a free slot. */
export class SlotLost extends Error {
  constructor(readonly slot: number) {
    super(`actor ${slot}: another process took the slot while this one was stalled past its lease`);
  }
}

/** The slot operations of one actor process (`incarnation`). */
export interface SlotScripts {
  /** How long a lease lasts unless renewed. */
  readonly leaseMs: number;
  /** Takes or renews the lease `lease`; false when another process holds it. */
  hold(lease: string): Promise<boolean>;
  /** Frees the lease if this process holds it. */
  release(lease: string): Promise<void>;
  /** Pushes a batch (see {@link PUSH}); false when another process holds the slot. */
  push(
    keys: { lease: string; batches: string; slotState: string; control: string },
    rngState: string,
    cursor: string,
    fields: Array<string | Buffer>,
  ): Promise<boolean>;
}

type Script = (...args: Array<string | number | Buffer>) => Promise<number>;

/** Registers the scripts on `redis` (leases of `leaseMs`) (ioredis runs them by digest and sends them again after a server restart). */
export function slotScripts(redis: Redis, incarnation: string, leaseMs: number): SlotScripts {
  redis.defineCommand('gfnActorHold', { numberOfKeys: 1, lua: HOLD });
  redis.defineCommand('gfnActorRelease', { numberOfKeys: 1, lua: RELEASE });
  redis.defineCommand('gfnActorPush', { numberOfKeys: 4, lua: PUSH });
  const scripts = redis as unknown as Record<'gfnActorHold' | 'gfnActorRelease' | 'gfnActorPush', Script>;
  return {
    leaseMs,
    hold: async (lease) => (await scripts.gfnActorHold(lease, incarnation, leaseMs)) === 1,
    release: async (lease) => {
      await scripts.gfnActorRelease(lease, incarnation);
    },
    push: async (k, rngState, cursor, fields) =>
      (await scripts.gfnActorPush(k.lease, k.batches, k.slotState, k.control, incarnation, leaseMs, rngState, cursor, ...fields)) === 1,
  };
}
