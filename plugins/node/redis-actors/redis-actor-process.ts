import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../../../core/config/schema.js';
import { Actor } from '../../../core/sampling/actor.js';
import { actorSeed } from '../../../core/sampling/actor-link.js';
import { connectRedis, maskRedisUrl } from '../../../harness/queue/connection.js';
import { watchRedis } from '../../../harness/queue/redis-outage.js';
import { buildActorSource } from '../pipeline/actor-source.js';
import { SlotLost, type SlotScripts, slotScripts } from './slot-scripts.js';
import { type SessionLink, SlotWorker } from './slot-worker.js';
import { DEFAULT_RUN_ID, field, fieldsOf, numberField, type RunKeys, runKeys, DEFAULT_SLOT_LEASE_MS } from './wire.js';

/** Options of {@link runRedisActor}. */
export interface RedisActorProcessOptions {
  /** The learner's Redis server: `redis://…` or `rediss://…`. */
  url: string;
  /** The run id the learner was given (default {@link DEFAULT_RUN_ID}). */
  run?: string;
  /** Seconds a Redis server that is down is waited for, at start and after each loss (default 60). */
  redisWaitSeconds?: number;
  /** Where relative plugin paths of the config resolve from (default: the working directory). */
  baseDir?: string;
  /** How long its claim on its slot lasts unless renewed (default {@link DEFAULT_SLOT_LEASE_MS}): a killed process's slot frees after this. */
  leaseMs?: number;
  /** Where its lines go (joining, outages). */
  log?: (line: string) => void;
}

type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/** How long one blocking read of the announcements waits before it is issued again. */
const BLOCK_MS = 1000;

/**
 * One `gfn actor` process: waits for the learner of run `run` to announce an epoch, claims a free
 * actor slot, builds the environment and P_F from the config the learner published (with the
 * run's plugins) and samples with the slot's seed, applying the learner's control messages in
 * order to an {@link Actor}, until the learner ends the run (resolves) or a new epoch starts (a
 * resumed learner: it joins that one). A slot whose state a killed process left is taken over from
 * its last pushed batch (its random stream, and the control entries after the one it had reached).
 * Rejects when the slot is lost to another process, sampling fails or Redis stays away too long.
 */
export async function runRedisActor(options: RedisActorProcessOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const waitSeconds = options.redisWaitSeconds ?? 60;
  const server = maskRedisUrl(options.url);
  const cmd = await connectRedis(options.url, { waitSeconds, log: (l) => log(`[actor] ${l}`) });
  const blocking = cmd.duplicate();
  blocking.on('error', () => {});
  let giveUp: (e: Error) => void = () => {};
  const gaveUp = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  const watch = watchRedis(cmd, {
    server,
    waitSeconds,
    log: (l) => log(`[actor] ${l}`),
    afterGivingUp: 'this actor stops (start it again once the server is back)',
    onGiveUp: (e) => giveUp(e),
  });
  const incarnation = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const session = new ActorSession(
    cmd,
    blocking,
    runKeys(options.run ?? DEFAULT_RUN_ID),
    slotScripts(cmd, incarnation, options.leaseMs ?? DEFAULT_SLOT_LEASE_MS),
    incarnation,
    options.baseDir ?? process.cwd(),
    log,
  );
  try {
    await Promise.race([session.serve(), gaveUp]);
  } finally {
    watch.stop();
    blocking.disconnect();
    await cmd.quit().catch(() => undefined);
  }
}

/** An actor process's work across the learner's epochs. */
class ActorSession implements SessionLink {
  announceId = '0';

  constructor(
    readonly cmd: Redis,
    readonly blocking: Redis,
    readonly keys: RunKeys,
    readonly scripts: SlotScripts,
    readonly incarnation: string,
    private readonly baseDir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Serves epoch after epoch until one ends. */
  async serve(): Promise<void> {
    let epoch = await this.startedEpoch();
    for (;;) {
      let next: number | undefined;
      try {
        next = await this.serveEpoch(epoch);
      } catch (err) {
        if (!(err instanceof SlotLost)) throw err;
        // the slot is served by the other process; this one waits for a free one, as a spare does
        this.log(`[actor ${err.slot}] ${err.message}; waiting for a free slot`);
        next = epoch;
      }
      if (next === undefined) return;
      epoch = next;
    }
  }

  /** The epoch the newest announcement started, waiting for one when the newest ended an epoch (or there is none). */
  private async startedEpoch(): Promise<number> {
    const last = (await this.cmd.xrevrangeBuffer(this.keys.announce, '+', '-', 'COUNT', 1))[0];
    if (last) {
      this.announceId = last[0].toString();
      const m = fieldsOf(last[1]);
      if (field(m, 'state').toString() === 'started') return numberField(m, 'epoch');
    }
    this.log('[actor] waiting for the learner to start a run');
    for (;;) {
      const reply = (await this.blocking.xreadBuffer('BLOCK', BLOCK_MS, 'STREAMS', this.keys.announce, this.announceId)) as StreamReply;
      for (const [, entries] of reply ?? [])
        for (const [id, flat] of entries) {
          this.announceId = id.toString();
          const m = fieldsOf(flat);
          if (field(m, 'state').toString() === 'started') return numberField(m, 'epoch');
        }
    }
  }

  /** Samples for `epoch` in a slot of it; the next epoch to serve, or undefined when the run ended. */
  private async serveEpoch(epoch: number): Promise<number | undefined> {
    const run = await this.cmd.hgetall(this.keys.run(epoch));
    if (run.config === undefined) throw new Error(`actors over Redis: epoch ${epoch} has no published config`);
    const config = JSON.parse(run.config) as ResolvedConfig;
    const size = Number(run.size);
    const slot = await this.claimSlot(epoch, size);
    if (typeof slot !== 'number') return slot.next;
    const lease = this.keys.lease(epoch, slot);
    let failure: Error | undefined;
    let failed: (e: Error) => void = () => {};
    const failedPromise = new Promise<never>((_, reject) => {
      failed = reject;
    });
    // raced while the slot is served; a failure after that has nobody to tell
    failedPromise.catch(() => undefined);
    const fail = (err: unknown): void => {
      failure ??= err instanceof Error ? err : new Error(String(err));
      failed(failure);
    };
    const renew = setInterval(() => {
      this.scripts.hold(lease).then((ok) => ok || fail(new SlotLost(slot)), fail);
    }, this.scripts.leaseMs / 5);
    let actor: Actor | undefined;
    let container: { dispose(): unknown } | undefined;
    const worker = new SlotWorker(this, epoch, slot, fail);
    try {
      // the lease is renewed from the claim on: building can take seconds. A build is finished even
      // when the slot is lost meanwhile: two builds at once would share the tensor backend's set-up
      const built = await buildActorSource(config, run.backend ?? 'auto', actorSeed(config.seed, slot), this.baseDir);
      container = built.container;
      if (failure) throw failure;
      actor = new Actor(slot, built.source, (b) => worker.deliver(b), fail);
      await worker.resume(actor, built.source);
      this.log(`[actor ${slot}] epoch ${epoch}: sampling (of ${size} actors; process ${this.incarnation})`);
      return await Promise.race([worker.follow(actor), failedPromise]);
    } finally {
      clearInterval(renew);
      worker.stop();
      await actor?.stop().catch(() => undefined);
      await this.scripts.release(lease).catch(() => undefined);
      container?.dispose();
      if (!failure) this.log(`[actor ${slot}] epoch ${epoch}: done`);
    }
  }

  /** A free slot of `epoch` (waiting while all are held), or the epoch that replaced it meanwhile. */
  private async claimSlot(epoch: number, size: number): Promise<number | { next: number | undefined }> {
    let said = false;
    for (;;) {
      for (let i = 0; i < size; i++) if (await this.scripts.hold(this.keys.lease(epoch, i))) return i;
      if (!said) this.log(`[actor] all ${size} actor slots of epoch ${epoch} are taken; waiting for one to free`);
      said = true;
      const news = await this.announcements(epoch, 500);
      if (news !== 'none') return { next: news === 'ended' ? undefined : news };
    }
  }

  /** Announcements after the newest read, waiting up to `blockMs`: a later started epoch, `ended` (of `epoch`), or none. */
  async announcements(epoch: number, blockMs: number): Promise<number | 'ended' | 'none'> {
    const reply = (await this.blocking.xreadBuffer('BLOCK', blockMs, 'STREAMS', this.keys.announce, this.announceId)) as StreamReply;
    return this.announcementOf(reply?.[0]?.[1] ?? [], epoch);
  }

  /** What `entries` of the announce stream say for an actor of `epoch` (the newest read moves past them). */
  announcementOf(entries: Array<[Buffer, Buffer[]]>, epoch: number): number | 'ended' | 'none' {
    let news: number | 'ended' | 'none' = 'none';
    for (const [id, flat] of entries) {
      this.announceId = id.toString();
      const m = fieldsOf(flat);
      const e = numberField(m, 'epoch');
      if (field(m, 'state').toString() === 'started' && e > epoch) news = e;
      else if (e === epoch && news === 'none') news = 'ended';
    }
    return news;
  }
}
