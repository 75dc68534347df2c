import type { Redis } from 'ioredis';
import type { Actor } from '../../../core/sampling/actor.js';
import type { ActorBatch } from '../../../core/sampling/actor-link.js';
import type { InThreadTrajectorySource } from '../../../core/sampling/trajectory-source.js';
import { SlotLost, type SlotScripts } from './slot-scripts.js';
import { batchFields, type Fields, field, fieldsOf, numberField, parametersOf, type RunKeys } from './wire.js';

/** What a slot's worker shares with its process's session. */
export interface SessionLink {
  cmd: Redis;
  blocking: Redis;
  keys: RunKeys;
  scripts: SlotScripts;
  incarnation: string;
  /** The newest announcement read. */
  announceId: string;
  /** What announce entries say for an actor of `epoch`: a later started epoch, `ended`, or `none` (moves {@link announceId} past them). */
  announcementOf(entries: Array<[Buffer, Buffer[]]>, epoch: number): number | 'ended' | 'none';
}

type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/** How long one blocking read waits before it is issued again. */
const BLOCK_MS = 1000;

/**
 * One actor slot of one epoch in an actor process: applies the slot's control stream in order to
 * its {@link Actor} (requests, notices of new parameters, acknowledgements of this process's batches,
 * the restore of a resumed run) and pushes the actor's batches, each with the slot's state after
 * it. Each control message carries the learner's number for it: one sent twice (a command resent
 * after a lost connection) is applied once.
 */
export class SlotWorker {
  /** The last control entry applied. */
  private controlId = '0';
  private lastSeq = -1;
  private lastPublication = 0;
  /** Whether the random stream came from the slot's state (a process before this one pushed batches). */
  private restored = false;
  /** Control entries of the requests being answered, in order (the actor answers them in order). */
  private readonly requestIds: string[] = [];
  private pushes: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly session: SessionLink,
    private readonly epoch: number,
    private readonly slot: number,
    private readonly fail: (err: unknown) => void,
  ) {}

  /** Takes the slot over where the last process that pushed from it left it, if one did: its stream, its place in the control stream, the newest parameters. */
  async resume(actor: Actor, source: InThreadTrajectorySource): Promise<void> {
    const { cmd, keys } = this.session;
    const state: Fields = new Map(Object.entries(await cmd.hgetallBuffer(keys.slotState(this.epoch, this.slot))));
    if (!state.has('rngState')) return;
    source.restore(JSON.parse(field(state, 'rngState').toString()) as number[]);
    this.restored = true;
    this.controlId = field(state, 'cursor').toString();
    // the control entries before the cursor are gone: the newest parameters come from their keys
    await this.publishFrom(actor, keys.params(this.epoch));
    await this.publishFrom(actor, keys.params(this.epoch, this.slot));
  }

  /** Pushes `batch` with the slot's state after it (the actor's delivery). */
  deliver(batch: ActorBatch): void {
    if (this.stopped) return;
    const { keys, scripts, incarnation } = this.session;
    // a lockstep batch answers the oldest request; an async one follows the entries applied so far
    const cursor = this.requestIds.shift() ?? this.controlId;
    const k = {
      lease: keys.lease(this.epoch, this.slot),
      batches: keys.batches(this.epoch),
      slotState: keys.slotState(this.epoch, this.slot),
      control: keys.control(this.epoch, this.slot),
    };
    const fields = batchFields(batch, incarnation);
    this.pushes = this.pushes
      .then(() => scripts.push(k, JSON.stringify(batch.rngState), cursor, fields))
      .then((ok) => ok || this.fail(new SlotLost(this.slot)))
      .catch(this.fail);
  }

  /** Applies the control stream until the epoch ends (undefined) or a later one starts (its number). */
  async follow(actor: Actor): Promise<number | undefined> {
    const { blocking, keys } = this.session;
    const control = keys.control(this.epoch, this.slot);
    while (!this.stopped) {
      const reply = (await blocking.xreadBuffer(
        'COUNT',
        64,
        'BLOCK',
        BLOCK_MS,
        'STREAMS',
        control,
        keys.announce,
        this.controlId,
        this.session.announceId,
      )) as StreamReply;
      for (const [key, entries] of reply ?? []) {
        if (key.toString() !== control) {
          const news = this.session.announcementOf(entries, this.epoch);
          if (news !== 'none') return news === 'ended' ? undefined : news;
          continue;
        }
        for (const [id, flat] of entries) {
          await this.apply(actor, id.toString(), fieldsOf(flat));
          this.controlId = id.toString();
        }
      }
    }
    return undefined;
  }

  /** Pushes and applies nothing more (a batch finished after this is dropped: its epoch is over, or its slot another process's). */
  stop(): void {
    this.stopped = true;
  }

  private async apply(actor: Actor, id: string, m: Fields): Promise<void> {
    const seq = numberField(m, 'seq');
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    switch (field(m, 'kind').toString()) {
      case 'request': {
        this.requestIds.push(id);
        const { parameters, n, exploration } = parametersOf(m);
        actor.request(parameters, { n, exploration });
        return;
      }
      case 'publish':
        await this.publishFrom(actor, field(m, 'key').toString());
        return;
      case 'acknowledge':
        // a batch of a process that held the slot before this one is none of this actor's
        if (field(m, 'incarnation').toString() === this.session.incarnation) actor.acknowledge();
        return;
      case 'restore':
        if (!this.restored) actor.restore(JSON.parse(field(m, 'rngState').toString()) as number[]);
        return;
      default:
        throw new Error(`actors over Redis: unknown control message '${field(m, 'kind').toString()}'`);
    }
  }

  /** Hands the actor the parameters under `key` unless it had them (or newer) already. */
  private async publishFrom(actor: Actor, key: string): Promise<void> {
    const rec = await this.session.cmd.hgetallBuffer(key);
    const m: Fields = new Map(Object.entries(rec));
    if (!m.has('publication')) return;
    const publication = numberField(m, 'publication');
    if (publication <= this.lastPublication) return;
    this.lastPublication = publication;
    const { parameters, n, exploration } = parametersOf(m);
    actor.publish(parameters, { n, exploration });
  }
}
