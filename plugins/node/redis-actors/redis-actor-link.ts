import type { Redis } from 'ioredis';
import { connectRedis, maskRedisUrl } from '../../../harness/queue/connection.js';
import { type RedisWatch, watchRedis } from '../../../harness/queue/redis-outage.js';
import type { TrajectoryWorkerHost, TrajectoryWorkerRun } from '../../../core/plugin/plugin.js';
import type { ActorBatch, ActorLink } from '../../../core/sampling/actor-link.js';
import type { BatchRequest, ParameterSnapshot } from '../../../core/sampling/trajectory-source.js';
import { type PublishParameters, publishScript } from './publish-script.js';
import { batchOf, DEFAULT_RUN_ID, fieldsOf, LEARNER_GROUP, parameterFields, type RunKeys, runKeys } from './wire.js';

/** Where the learner's actors meet it. */
export interface RedisActorOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…`. */
  url: string;
  /** The run id actors give with `--run` (default {@link DEFAULT_RUN_ID}). */
  run?: string;
  /** Seconds a Redis server that is down is waited for, at start and after each loss (default 60). */
  redisWaitSeconds?: number;
  /** Where the link's lines go (waiting for actors, outages). */
  log?: (line: string) => void;
}

/** The connections of an opened epoch. */
interface Opened {
  epoch: number;
  cmd: Redis;
  blocking: Redis;
  watch: RedisWatch;
  /** Publishes parameters and notifies slots (a slot's notice replaces the one before it when nothing came between). */
  publish: PublishParameters;
}

/** How long the end of the run is offered to a server that does not answer, at close. */
const CLOSE_ANNOUNCE_MS = 2000;

/** How long one blocking read of the batches stream waits before it is issued again. */
const BLOCK_MS = 1000;

/** A stream reply of ioredis's `…Buffer` calls: [[key, [[id, [f, v, …]], …]], …]. */
type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/**
 * An {@link ActorLink} to `gfn actor` processes through a Redis server. At its start the learner
 * opens a new epoch: it publishes the run's resolved config, creates the batches stream with its
 * consumer group and announces the epoch; actors claim slots 0 … size − 1 and push batches to the
 * stream; {@link acknowledge} XACKs (and deletes) a batch and tells its actor on the actor's control
 * stream, where `request`s, `restore`s and notices of new parameters (a versioned key) also go, in
 * order; a notice replaces one right before it (see {@link publishScript}), so the stream of a slot
 * no process serves stays short. A batch pushed twice (a command resent after a lost connection) is
 * recognised by its actor process and sequence and acknowledged without being received again.
 */
export class RedisActorLink implements ActorLink {
  private readonly keys: RunKeys;
  private readonly ready: Promise<Opened>;
  /** Commands in the order the learner made the calls. */
  private chain: Promise<unknown>;
  private readonly arrived: ActorBatch[] = [];
  private readonly waiting: Array<{ resolve: (b: ActorBatch) => void; reject: (e: Error) => void }> = [];
  /** Each received batch's stream entry id and actor process (what acknowledging it needs). */
  private readonly entries = new WeakMap<ActorBatch, { id: Buffer; incarnation: string }>();
  /** The last sequence received from each actor process (duplicates are at or below it). */
  private readonly lastSequence = new Map<string, number>();
  /** Per actor: messages sent on its control stream (the actor skips a duplicate by this number). */
  private readonly sent: number[];
  /** Publications so far (the key says which one it holds: an actor samples each at most once). */
  private publications = 0;
  /** What the learner acknowledged so far (each batch once), and the duplicates it skipped. */
  readonly counts = { acknowledgedBatches: 0, acknowledgedTrajectories: 0, duplicates: 0 };
  private failure?: Error;
  private closing?: Promise<void>;
  /** Set after a lost connection: entries delivered to this consumer then may be pending unread. */
  private recoverPending = false;

  constructor(
    private readonly run: TrajectoryWorkerRun,
    private readonly options: RedisActorOptions,
  ) {
    this.keys = runKeys(options.run ?? DEFAULT_RUN_ID);
    this.sent = run.seeds.map(() => 0);
    this.ready = this.open();
    this.chain = this.ready;
    this.ready.then(
      () => void this.readLoop(),
      (err: unknown) => this.fail(err),
    );
  }

  get size(): number {
    return this.run.seeds.length;
  }

  publish(parameters: ParameterSnapshot, request: BatchRequest, to?: number): void {
    const pub = ++this.publications;
    const fields = [...parameterFields(parameters, request.n, request.exploration), 'publication', String(pub)];
    if (to !== undefined) this.checkActor(to);
    // numbered now, in call order: an actor skips a message numbered below one it applied
    const targets = (to === undefined ? this.run.seeds.map((_, i) => i) : [to]).map((i) => ({ i, seq: String(++this.sent[i]!) }));
    this.command(({ epoch, publish }) =>
      publish(
        this.keys.params(epoch, to),
        fields,
        targets.map(({ i, seq }) => ({ control: this.keys.control(epoch, i), seq })),
      ),
    );
  }

  request(actor: number, parameters: ParameterSnapshot, request: BatchRequest): void {
    this.checkActor(actor);
    const seq = String(++this.sent[actor]!);
    const fields = parameterFields(parameters, request.n, request.exploration);
    this.command(({ epoch, cmd }) => cmd.xadd(this.keys.control(epoch, actor), '*', 'kind', 'request', 'seq', seq, ...fields));
  }

  receive(): Promise<ActorBatch> {
    const batch = this.arrived.shift();
    if (batch) return Promise.resolve(batch);
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('the actors over Redis were closed'));
    return new Promise<ActorBatch>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  acknowledge(batch: ActorBatch): void {
    const entry = this.entries.get(batch);
    if (!entry) throw new Error(`actors over Redis: acknowledge() of a batch not received here (actor ${batch.actor}, sequence ${batch.sequence})`);
    this.entries.delete(batch);
    this.counts.acknowledgedBatches += 1;
    this.counts.acknowledgedTrajectories += batch.trajectories.nTraj;
    const seq = String(++this.sent[batch.actor]!);
    this.command(({ epoch, cmd }) =>
      cmd
        .multi()
        .xack(this.keys.batches(epoch), LEARNER_GROUP, entry.id)
        .xdel(this.keys.batches(epoch), entry.id)
        .xadd(
          this.keys.control(epoch, batch.actor),
          '*',
          'kind',
          'acknowledge',
          'seq',
          seq,
          'incarnation',
          entry.incarnation,
          'sequence',
          String(batch.sequence),
        )
        .exec(),
    );
  }

  restore(actor: number, state: readonly number[]): void {
    this.checkActor(actor);
    const seq = String(++this.sent[actor]!);
    this.command(({ epoch, cmd }) => cmd.xadd(this.keys.control(epoch, actor), '*', 'kind', 'restore', 'seq', seq, 'rngState', JSON.stringify(state)));
  }

  /** Announces the end of the epoch (the actors exit) once every command before it is done, and disconnects. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Error('the actors over Redis were closed');
      for (const w of this.waiting.splice(0)) w.reject(closed);
      const opened = await this.ready.catch(() => undefined);
      if (!opened) return;
      await this.chain.catch(() => undefined);
      // the actors end with the run, failed or not; a server that does not answer is not waited for
      const ended = opened.cmd.xadd(this.keys.announce, '*', 'epoch', String(opened.epoch), 'state', 'ended').catch(() => undefined);
      await Promise.race([ended, new Promise((r) => setTimeout(r, CLOSE_ANNOUNCE_MS).unref())]);
      opened.watch.stop();
      opened.blocking.disconnect();
      await opened.cmd.quit().catch(() => undefined);
    })();
    return this.closing;
  }

  /** Connects, opens a new epoch (the previous one's keys deleted) and announces it. */
  private async open(): Promise<Opened> {
    const log = this.options.log ?? (() => {});
    const server = maskRedisUrl(this.options.url);
    const waitSeconds = this.options.redisWaitSeconds ?? 60;
    const cmd = await connectRedis(this.options.url, { waitSeconds, log: (l) => log(`[actors] ${l}`) });
    const blocking = cmd.duplicate();
    blocking.on('error', () => {});
    const watch = watchRedis(cmd, {
      server,
      waitSeconds,
      log: (l) => log(`[actors] ${l}`),
      afterGivingUp: 'the run stops (continue it with gfn train --resume once the server is back)',
      onGiveUp: (failure) => this.fail(failure),
    });
    blocking.on('ready', () => {
      this.recoverPending = true;
    });
    const epoch = await cmd.incr(this.keys.epoch);
    if (epoch > 1) await deleteMatching(cmd, this.keys.epochPattern(epoch - 1));
    await cmd.hset(this.keys.run(epoch), 'config', JSON.stringify(this.run.config), 'backend', this.run.backend, 'size', String(this.size));
    await cmd.xgroup('CREATE', this.keys.batches(epoch), LEARNER_GROUP, '$', 'MKSTREAM');
    await cmd.xadd(this.keys.announce, '*', 'epoch', String(epoch), 'state', 'started');
    const run = this.options.run ?? DEFAULT_RUN_ID;
    const runArg = run === DEFAULT_RUN_ID ? '' : ` --run ${run}`;
    log(`[actors] epoch ${epoch}: waiting for ${this.size} actor process(es): gfn actor --queue ${server}${runArg}`);
    return { epoch, cmd, blocking, watch, publish: publishScript(cmd) };
  }

  /** Reads the batches stream until the link closes or fails (after a lost connection, first what was delivered but not read). */
  private async readLoop(): Promise<void> {
    const { epoch, blocking } = await this.ready;
    const stream = this.keys.batches(epoch);
    const consumer = 'learner';
    while (!this.closing && !this.failure) {
      try {
        const from = this.recoverPending ? '0' : '>';
        this.recoverPending = false;
        const reply = (await blocking.xreadgroupBuffer(
          'GROUP',
          LEARNER_GROUP,
          consumer,
          'COUNT',
          16,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          stream,
          from,
        )) as StreamReply;
        for (const [, entries] of reply ?? []) for (const [id, flat] of entries) this.arrive(id, flat, epoch);
      } catch (err) {
        if (this.closing || this.failure) return;
        if (/NOGROUP/.test((err as Error).message)) {
          this.fail(
            new Error(`actors over Redis: the batches stream ${stream} is gone (the server lost its data: run it with appendonly yes to ride out a restart)`),
          );
          return;
        }
        // a lost connection: ioredis reconnects (watchRedis prints it and gives up after the wait); read again then
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private arrive(id: Buffer, flat: Buffer[], epoch: number): void {
    // a pending entry already acknowledged has no fields left
    if (flat === null || flat.length === 0 || this.closing) return;
    const { batch, incarnation } = batchOf(fieldsOf(flat));
    const last = this.lastSequence.get(incarnation) ?? -1;
    if (batch.sequence <= last) {
      // pushed twice (a resent command) or read twice (pending after a lost connection): already received
      this.counts.duplicates += 1;
      this.command(({ cmd }) => cmd.multi().xack(this.keys.batches(epoch), LEARNER_GROUP, id).xdel(this.keys.batches(epoch), id).exec());
      return;
    }
    this.lastSequence.set(incarnation, batch.sequence);
    this.entries.set(batch, { id, incarnation });
    const w = this.waiting.shift();
    if (w) w.resolve(batch);
    else this.arrived.push(batch);
  }

  /** Runs `f` after every command before it; a failure fails the link. */
  private command(f: (opened: Opened) => Promise<unknown>): void {
    if (this.closing) throw new Error('the actors over Redis: a message after close()');
    this.chain = this.chain.then(() => this.ready.then(f)).catch((err: unknown) => this.fail(err));
  }

  private checkActor(actor: number): void {
    if (!(actor >= 0 && actor < this.size)) throw new Error(`actors: no actor ${actor} (there are ${this.size})`);
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}

/** Deletes every key matching `pattern`. */
async function deleteMatching(cmd: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await cmd.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await cmd.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A {@link TrajectoryWorkerHost} whose actors are `gfn actor` processes meeting the learner at `options.url`. */
export function redisActorHost(options: RedisActorOptions): TrajectoryWorkerHost {
  return { start: (run) => new RedisActorLink(run, options) };
}
