import { Worker } from 'node:worker_threads';
import type { TrajectoryWorkerHost, TrajectoryWorkerRun } from '../../../core/plugin/plugin.js';
import type { ActorBatch, ActorLink } from '../../../core/sampling/actor-link.js';
import type { BatchRequest, ParameterSnapshot } from '../../../core/sampling/trajectory-source.js';
import { actorBatchOf, type SamplingReply, type SamplingRequest, type SamplingWorkerData } from './messages.js';

/**
 * The worker's module file: the compiled one beside this file, or, when this file runs from the
 * TypeScript sources (tsx, vitest: Node cannot start a `.ts` worker itself), the development
 * launcher that registers tsx first.
 */
const WORKER_MODULE = new URL(import.meta.url.endsWith('.ts') ? '../../../bin/sampling-worker.js' : './sampling-worker.js', import.meta.url);

/** How long a closed thread may take to finish its batch and exit before it is terminated. */
const CLOSE_GRACE_MS = 5000;

/** Sampling threads started and not yet exited (tests check that a run leaves none). */
let running = 0;

/** How many sampling threads are alive now. */
export function samplingWorkersRunning(): number {
  return running;
}

/**
 * An {@link ActorLink} over worker threads, one per actor (`sampling-worker.ts`), each of which
 * builds its own environment and P_F from the run's config: parameters go to them moved, not
 * copied (one copy per further actor when published to all), batches come back the same way. The
 * threads keep the process alive only while the learner waits for a batch or for them to exit. A failure in a thread
 * (building, sampling, or the thread dying) rejects the batch waited for, and every later one,
 * with an error naming the sampling worker (and which actor, when there are several).
 */
export class WorkerActorLink implements ActorLink {
  private readonly workers: Worker[];
  private readonly arrived: ActorBatch[] = [];
  private readonly waiting: Array<{ resolve: (b: ActorBatch) => void; reject: (e: Error) => void }> = [];
  private readonly exited = new Set<Worker>();
  private failure?: Error;
  private closing?: Promise<void>;

  constructor(run: TrajectoryWorkerRun) {
    this.workers = run.seeds.map((seed, actor) => this.start(run, actor, seed));
  }

  get size(): number {
    return this.workers.length;
  }

  publish(parameters: ParameterSnapshot, request: BatchRequest, to?: number): void {
    const targets = to === undefined ? this.workers.map((_, i) => i) : [to];
    targets.forEach((actor, i) => {
      // the last one gets the arrays themselves, the others copies
      const values = i === targets.length - 1 ? parameters.values : parameters.values.map((v) => v.slice());
      this.send(actor, { kind: 'publish', ...request, version: parameters.version, values });
    });
  }

  request(actor: number, parameters: ParameterSnapshot, request: BatchRequest): void {
    this.send(actor, { kind: 'request', ...request, version: parameters.version, values: parameters.values });
  }

  receive(): Promise<ActorBatch> {
    const batch = this.arrived.shift();
    if (batch) return Promise.resolve(batch);
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('the sampling worker was closed'));
    const waited = new Promise<ActorBatch>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.holdProcess();
    return waited;
  }

  acknowledge(batch: ActorBatch): void {
    this.send(batch.actor, { kind: 'acknowledge' });
  }

  restore(actor: number, state: readonly number[]): void {
    this.send(actor, { kind: 'restore', rngState: [...state] });
  }

  /**
   * Asks each thread to stop after the batch it is drawing (it frees what it built and exits at
   * that safe point: ending a thread inside a native engine's call can bring the process down), and
   * terminates one that has not exited after {@link CLOSE_GRACE_MS}.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.workers.map((w) => (this.exited.has(w) ? undefined : closeWorker(w)))).then(() => undefined);
    const closed = new Error('the sampling worker was closed');
    for (const w of this.waiting.splice(0)) w.reject(closed);
    this.holdProcess();
    return this.closing;
  }

  private start(run: TrajectoryWorkerRun, actor: number, seed: number): Worker {
    const workerData: SamplingWorkerData = { config: { ...run.config }, backend: run.backend, actor, seed, baseDir: process.cwd() };
    const worker = new Worker(WORKER_MODULE, { workerData });
    running += 1;
    worker.unref();
    const name = run.seeds.length > 1 ? `the sampling worker of actor ${actor}` : 'the sampling worker';
    worker.on('message', (reply: SamplingReply) => {
      if (reply.kind === 'error') this.fail(`${name} failed: ${reply.message}`, reply.stack);
      else this.arrive(actorBatchOf(reply));
    });
    worker.on('error', (err) => this.fail(`${name} failed: ${err.message}`));
    worker.once('exit', (code) => {
      this.exited.add(worker);
      running -= 1;
      if (!this.closing) this.fail(`${name} exited unexpectedly (exit code ${code})`);
    });
    return worker;
  }

  private send(actor: number, message: SamplingRequest): void {
    if (this.closing) throw new Error('the sampling worker: a message after close()');
    const worker = this.workers[actor];
    if (!worker) throw new Error(`actors: no actor ${actor} (there are ${this.workers.length})`);
    const transfer = 'values' in message ? message.values.map((v) => v.buffer as ArrayBuffer) : [];
    worker.postMessage(message, transfer);
  }

  private arrive(batch: ActorBatch): void {
    // a batch that arrives during the close is dropped
    if (this.closing) return;
    const w = this.waiting.shift();
    if (w) w.resolve(batch);
    else this.arrived.push(batch);
    this.holdProcess();
  }

  /**
   * The threads keep the process alive exactly while the learner waits for a batch or for them to
   * exit (a batch arriving during the close must not let the process end under a closing thread).
   */
  private holdProcess(): void {
    const hold = this.waiting.length > 0 || this.closing !== undefined;
    for (const worker of this.workers) {
      if (hold) worker.ref();
      else worker.unref();
    }
  }

  private fail(message: string, stack?: string): void {
    if (this.failure) return;
    this.failure = new Error(message);
    if (stack) this.failure.stack = `${this.failure.message}\n--- in the sampling worker:\n${stack}`;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
    this.holdProcess();
  }
}

/** Asks `worker` to end after its batch; terminates it after {@link CLOSE_GRACE_MS}. Resolves when it has exited. */
function closeWorker(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    const message: SamplingRequest = { kind: 'close' };
    worker.postMessage(message);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    worker.once('exit', () => clearTimeout(timer));
  });
}

/** The Node plugin's sampling actors (`actors` ≥ 1, `pipeline: true`). */
export const trajectoryWorkerHost: TrajectoryWorkerHost = {
  start: (run) => new WorkerActorLink(run),
};
