import type { BatchRequest, ParameterSnapshot, SampledBatch } from './trajectory-source.js';

/**
 * Actors and a learner, whatever carries their messages (worker threads today; the interface asks
 * nothing a message queue between processes could not give). The learner owns the parameters: it
 * publishes versioned snapshots of P_F, or asks one actor for one batch with given parameters; the
 * actors sample and push their batches back tagged with who drew them, with which parameter version
 * and with each trajectory's behaviour log q(τ); the learner acknowledges each batch it has finished
 * with (trained on or dropped), which frees the actor to sample another.
 */

/** A batch an actor pushed. */
export interface ActorBatch extends SampledBatch {
  /** The actor that sampled it, 0 … size − 1. */
  actor: number;
  /** Its number among that actor's batches, from 0 (what an acknowledgement refers to). */
  sequence: number;
}

/** The learner's side of a set of actors. */
export interface ActorLink {
  /** How many actors there are. */
  readonly size: number;
  /**
   * Makes `parameters` the newest for every actor, or for actor `to` alone: an actor samples a
   * batch of `request` with the newest parameters it holds whenever it has no unacknowledged
   * batch, and samples each published snapshot at most once (a newer one replaces one it has not
   * used yet). The arrays may be transferred: do not reuse them.
   */
  publish(parameters: ParameterSnapshot, request: BatchRequest, to?: number): void;
  /**
   * Asks actor `actor` for exactly one batch of `request` drawn with exactly `parameters`, after
   * the batches asked of it before (requests are never merged or skipped, whatever is
   * unacknowledged): the deterministic schedules use this. The arrays may be transferred.
   */
  request(actor: number, parameters: ParameterSnapshot, request: BatchRequest): void;
  /** The next batch any actor pushed, in arrival order; rejects with an actor's failure. */
  receive(): Promise<ActorBatch>;
  /** The learner has finished with `batch` (trained on it or dropped it). */
  acknowledge(batch: ActorBatch): void;
  /** Puts actor `actor`'s random stream at `state` (a {@link SampledBatch.rngState}); only before it is asked for anything. */
  restore(actor: number, state: readonly number[]): void;
  /** Stops every actor and frees what they hold; batches not yet received are dropped. Idempotent. */
  close(): Promise<void>;
}

/** Offset of the first actor's seed from the run seed (the pipelined trainer's sampling thread; an arbitrary odd constant). */
export const ACTOR_STREAM = 0x165667b1;
/** Distance between the seeds of consecutive actors (odd, and no small multiple of the seeding's own increment). */
const ACTOR_SEED_STRIDE = 0x6c8e9cf5;

/** The seed of actor `actor`'s random stream in a run seeded `runSeed`: each actor draws from a stream of its own. */
export function actorSeed(runSeed: number, actor: number): number {
  return (runSeed + ACTOR_STREAM + Math.imul(actor, ACTOR_SEED_STRIDE)) >>> 0;
}
