import { Worker } from 'node:worker_threads';
import type { TrajectoryWorkerHost, TrajectoryWorkerRun } from '../../../core/plugin/plugin.js';
import type { BatchRequest, ParameterSnapshot, SampledBatch, TrajectorySource } from '../../../core/sampling/trajectory-source.js';
import { type SamplingReply, type SamplingRequest, type SamplingWorkerData, sampledBatchOf } from './messages.js';

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
 * A {@link TrajectorySource} in a worker thread (`sampling-worker.ts`), which builds its own
 * environment and P_F from the run's config: requests go to it with their parameters (moved, not
 * copied), batches come back the same way, in order. The thread keeps the process alive only while
 * a request is outstanding. A failure in the thread (building, sampling, or the thread dying)
 * rejects the batches waited for, and every later one, with an error naming the sampling worker.
 */
export class WorkerTrajectorySource implements TrajectorySource {
  private readonly worker: Worker;
  private readonly arrived: SampledBatch[] = [];
  private readonly waiting: Array<{ resolve: (b: SampledBatch) => void; reject: (e: Error) => void }> = [];
  private outstanding = 0;
  private failure?: Error;
  private closing?: Promise<void>;
  private exited = false;

  constructor(run: TrajectoryWorkerRun) {
    const workerData: SamplingWorkerData = { config: { ...run.config }, backend: run.backend, seed: run.seed, baseDir: process.cwd() };
    this.worker = new Worker(WORKER_MODULE, { workerData });
    running += 1;
    this.worker.unref();
    this.worker.on('message', (reply: SamplingReply) => this.receive(reply));
    this.worker.on('error', (err) => this.fail(`the sampling worker failed: ${err.message}`));
    this.worker.on('exit', (code) => {
      this.markExited();
      if (!this.closing) this.fail(`the sampling worker exited unexpectedly (exit code ${code})`);
    });
  }

  request(request: BatchRequest, parameters: ParameterSnapshot): void {
    if (this.closing) throw new Error('the sampling worker: request after close()');
    const message: SamplingRequest = { kind: 'sample', n: request.n, exploration: request.exploration, version: parameters.version, values: parameters.values };
    this.worker.postMessage(
      message,
      parameters.values.map((v) => v.buffer as ArrayBuffer),
    );
    this.outstanding += 1;
    // a batch is on its way: the process must wait for it
    this.worker.ref();
  }

  next(): Promise<SampledBatch> {
    const batch = this.arrived.shift();
    if (batch) return Promise.resolve(batch);
    if (this.failure) return Promise.reject(this.failure);
    if (this.outstanding === 0) return Promise.reject(new Error('the sampling worker: next() without a request'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  restore(state: readonly number[]): void {
    if (this.outstanding > 0) throw new Error('the sampling worker: restore() with requests outstanding');
    const message: SamplingRequest = { kind: 'restore', rngState: [...state] };
    this.worker.postMessage(message);
  }

  /**
   * Asks the thread to stop after the batch it is drawing (it frees what it built and exits at that
   * safe point: ending a thread inside a native engine's call can bring the process down), and
   * terminates it if it has not exited after {@link CLOSE_GRACE_MS}.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>((resolve) => {
        if (this.exited) return resolve();
        this.worker.once('exit', () => resolve());
        // whoever waits for the close must see it end: the thread keeps the process alive until then
        this.worker.ref();
        const message: SamplingRequest = { kind: 'close' };
        this.worker.postMessage(message);
        const timer = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
        timer.unref();
        this.worker.once('exit', () => clearTimeout(timer));
      });
    }
    const closed = new Error('the sampling worker was closed');
    for (const w of this.waiting.splice(0)) w.reject(closed);
    return this.closing;
  }

  private receive(reply: SamplingReply): void {
    if (reply.kind === 'error') {
      this.fail(`the sampling worker failed: ${reply.message}`, reply.stack);
      return;
    }
    this.outstanding -= 1;
    if (this.outstanding === 0) this.worker.unref();
    const batch = sampledBatchOf(reply);
    const w = this.waiting.shift();
    if (w) w.resolve(batch);
    else this.arrived.push(batch);
  }

  private fail(message: string, stack?: string): void {
    if (this.failure) return;
    this.failure = new Error(message);
    if (stack) this.failure.stack = `${this.failure.message}\n--- in the sampling worker:\n${stack}`;
    this.worker.unref();
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  private markExited(): void {
    if (this.exited) return;
    this.exited = true;
    running -= 1;
  }
}

/** The Node plugin's sampling threads (`pipeline: true`). */
export const trajectoryWorkerHost: TrajectoryWorkerHost = {
  start: (run) => new WorkerTrajectorySource(run),
};
