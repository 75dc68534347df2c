import { Actor } from './actor.js';
import type { ActorBatch, ActorLink } from './actor-link.js';
import type { BatchRequest, ParameterSnapshot, TrajectorySource } from './trajectory-source.js';

/**
 * An {@link ActorLink} whose actors run in the calling thread, one after another: an actor samples
 * at the moment a publication, request or acknowledgement lets it (inside that call), so the order
 * of its batches follows from the learner's calls alone and a run is reproducible bit for bit
 * whatever the schedule. It gains no speed; it is the reference the other transports are held to,
 * and what tests drive when they need a stale batch at a chosen update.
 */
export class InThreadActorLink implements ActorLink {
  private readonly actors: Actor[];
  private readonly arrived: ActorBatch[] = [];
  private readonly waiting: Array<{ resolve: (b: ActorBatch) => void; reject: (e: Error) => void }> = [];
  private failure?: Error;
  private closing?: Promise<void>;

  /** One actor per source (actor i samples from `sources[i]`); `onClose` runs once they have stopped. */
  constructor(
    sources: readonly TrajectorySource[],
    private readonly onClose: () => void = () => {},
  ) {
    this.actors = sources.map(
      (source, i) =>
        new Actor(
          i,
          source,
          (batch) => this.arrive(batch),
          (err) => this.fail(err),
        ),
    );
  }

  get size(): number {
    return this.actors.length;
  }

  publish(parameters: ParameterSnapshot, request: BatchRequest, to?: number): void {
    for (const actor of to === undefined ? this.actors : [this.actor(to)]) actor.publish(parameters, request);
  }

  request(actor: number, parameters: ParameterSnapshot, request: BatchRequest): void {
    this.actor(actor).request(parameters, request);
  }

  receive(): Promise<ActorBatch> {
    const batch = this.arrived.shift();
    if (batch) return Promise.resolve(batch);
    if (this.failure) return Promise.reject(this.failure);
    // in this thread an actor samples within the call that lets it: if none is sampling now, none will
    if (!this.actors.some((a) => a.sampling))
      return Promise.reject(new Error('actors: receive() with no batch on its way (no actor was asked for one it could sample)'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  acknowledge(batch: ActorBatch): void {
    this.actor(batch.actor).acknowledge();
  }

  restore(actor: number, state: readonly number[]): void {
    this.actor(actor).restore(state);
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.actors.map((a) => a.stop())).then(() => this.onClose());
    const closed = new Error('the actors were closed');
    for (const w of this.waiting.splice(0)) w.reject(closed);
    return this.closing;
  }

  private actor(id: number): Actor {
    const actor = this.actors[id];
    if (!actor) throw new Error(`actors: no actor ${id} (there are ${this.actors.length})`);
    return actor;
  }

  private arrive(batch: ActorBatch): void {
    const w = this.waiting.shift();
    if (w) w.resolve(batch);
    else this.arrived.push(batch);
  }

  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}
