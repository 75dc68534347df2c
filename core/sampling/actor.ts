import type { ActorBatch } from './actor-link.js';
import type { BatchRequest, ParameterSnapshot, TrajectorySource } from './trajectory-source.js';

/** Parameters to sample with and the batch to draw. */
interface Order {
  parameters: ParameterSnapshot;
  request: BatchRequest;
}

/**
 * One actor's rules (see `ActorLink`), whatever carries its messages: the worker thread runs one,
 * the in-thread link runs several. It samples one batch at a time from its
 * {@link TrajectorySource}: first the batches asked of it (in order), else, when it has no
 * unacknowledged batch, one with the newest published parameters it has not sampled with yet.
 */
export class Actor {
  private readonly asked: Order[] = [];
  private newest?: Order;
  private unacknowledged = 0;
  private busy?: Promise<void>;
  private sequence = 0;
  private stopped = false;

  /**
   * @param id — the actor's number, which its batches carry.
   * @param deliver — receives each batch sampled.
   * @param fail — receives the error that stopped the actor (it samples nothing after).
   */
  constructor(
    readonly id: number,
    private readonly source: TrajectorySource,
    private readonly deliver: (batch: ActorBatch) => void,
    private readonly fail: (error: unknown) => void,
  ) {}

  /** Whether a batch is being sampled (it will be delivered). */
  get sampling(): boolean {
    return this.busy !== undefined;
  }

  /** One batch with exactly `parameters`, after those asked before. */
  request(parameters: ParameterSnapshot, request: BatchRequest): void {
    this.asked.push({ parameters, request });
    this.pump();
  }

  /** The newest parameters: sampled once, when no batch of this actor is unacknowledged. */
  publish(parameters: ParameterSnapshot, request: BatchRequest): void {
    this.newest = { parameters, request };
    this.pump();
  }

  /** The learner has finished with one of this actor's batches. */
  acknowledge(): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - 1);
    this.pump();
  }

  /** Puts the random stream at `state`; only while nothing is asked or being sampled. */
  restore(state: readonly number[]): void {
    if (this.busy || this.asked.length > 0) throw new Error(`actor ${this.id}: restore() while sampling`);
    this.source.restore(state);
  }

  /** Samples nothing more; resolves once the batch being sampled (if any) is delivered, then closes the source. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.busy;
    await this.source.close();
  }

  private pump(): void {
    if (this.busy || this.stopped) return;
    let order = this.asked.shift();
    if (!order && this.newest && this.unacknowledged === 0) {
      order = this.newest;
      this.newest = undefined;
    }
    if (!order) return;
    this.unacknowledged += 1;
    this.source.request(order.request, order.parameters);
    this.busy = this.source.next().then(
      (batch) => {
        this.busy = undefined;
        this.deliver({ ...batch, actor: this.id, sequence: this.sequence++ });
        this.pump();
      },
      (err: unknown) => {
        this.stopped = true;
        this.busy = undefined;
        this.fail(err);
      },
    );
  }
}
