import { type ChildProcess, fork } from 'node:child_process';
import type { ResolvedConfig } from '../core/config/schema.js';
import type { RunSpec } from './grid.js';
import { iterationsCompleted } from './run-log.js';

/** What the benchmark sends a worker process: one run to train. */
export interface WorkerRequest {
  type: 'run';
  config: ResolvedConfig;
  /** Wall-time budget in seconds, when the bench budget is `seconds`. */
  stopAfterSeconds?: number;
  /** Continue from the checkpoint in the run's folder instead of starting afresh. */
  resume?: boolean;
}

/** What a worker process reports back. */
export type WorkerMessage =
  | { type: 'progress'; iteration: number; elapsedMs: number }
  /** A checkpoint of the run was written to its folder (after its metrics log got that iteration's records). */
  | { type: 'checkpoint' }
  | { type: 'done'; iterations: number; elapsedMs: number }
  | { type: 'error'; message: string };

/** What a launch is told, and the hooks it reports through. */
export interface LaunchHooks {
  /**
   * The run is executing and has spent `fraction` of its budget, in [0, 1] (0 when it starts);
   * `iterations`: training iterations completed, when known.
   */
  progress(fraction: number, iterations?: number): void;
  /** A checkpoint of the run has just been written to its folder. */
  checkpoint?(): void;
  /** Aborted when the benchmark is interrupted: the run must be stopped or left (it stays partial). */
  signal: AbortSignal;
  /** Continue from the checkpoint in the run's folder (a run taken over after its worker died). */
  resume?: boolean;
  /** A failure recorded anywhere (not only in the run's folder) is to be run again. */
  retryFailed?: boolean;
}

/**
 * Where the runs of a benchmark execute: local worker processes ({@link workerPoolLauncher}), a
 * job queue that workers on other machines take runs from, or in-process in tests. The harness
 * only launches runs and reads their folders; it never knows which one it talks to. Each run ends
 * with its metrics log (and saved config) in `spec.dir`. `launch` resolves with the error when
 * the run did not finish; `close` releases whatever the launcher holds once the benchmark is done.
 */
export interface RunLauncher {
  launch(spec: RunSpec, hooks: LaunchHooks): Promise<{ error?: string }>;
  close(): void | Promise<void>;
  /** Runs it takes at once; absent = the benchmark's `workers`. A queue takes them all. */
  readonly concurrency?: number;
  /** Where runs execute, for the plan line (`the queue redis://host:6379`); absent = local workers. */
  readonly where?: string;
}

/** The budget fraction a run has spent at a progress report. */
export function budgetFraction(spec: RunSpec, iteration: number, elapsedMs: number): number {
  const f = spec.stopAfterSeconds !== undefined ? elapsedMs / 1000 / spec.stopAfterSeconds : iterationsCompleted(iteration) / spec.config.iterations;
  return Math.min(1, Math.max(0, f));
}

/**
 * Runs each run in a worker process forked from `workerModule` (IPC), reusing a worker for the next
 * run once it has finished one: starting a process (TypeScript transform, tensor backend) costs
 * seconds, a large share of a short run. A worker whose run failed or crashed is not reused, so a
 * broken process never carries over into another run.
 */
export function workerPoolLauncher(workerModule: string): RunLauncher {
  const idle: ChildProcess[] = [];
  const all = new Set<ChildProcess>();
  const stderrTail = new Map<ChildProcess, string>();
  const spawn = (): ChildProcess => {
    // detached: its own process group, so that Ctrl-C reaches only the benchmark, which then
    // kills its runs itself (left partial, not recorded as failed)
    const child = fork(workerModule, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
    all.add(child);
    stderrTail.set(child, '');
    child.stderr?.on('data', (d: Buffer) => stderrTail.set(child, (stderrTail.get(child)! + d.toString()).slice(-4000)));
    child.once('exit', () => {
      all.delete(child);
      const i = idle.indexOf(child);
      if (i >= 0) idle.splice(i, 1);
    });
    return child;
  };
  return {
    launch: (spec, { progress, checkpoint, signal, resume }) =>
      new Promise((resolve) => {
        const child = idle.pop() ?? spawn();
        stderrTail.set(child, '');
        let settled = false;
        const finish = (error: string | undefined, reusable: boolean): void => {
          if (settled) return;
          settled = true;
          child.off('message', onMessage);
          child.off('exit', onExit);
          signal.removeEventListener('abort', onAbort);
          if (reusable && !signal.aborted) idle.push(child);
          else child.kill('SIGTERM');
          resolve(error === undefined ? {} : { error });
        };
        const onMessage = (m: WorkerMessage): void => {
          if (m.type === 'progress') progress(budgetFraction(spec, m.iteration, m.elapsedMs), iterationsCompleted(m.iteration));
          else if (m.type === 'checkpoint') checkpoint?.();
          else if (m.type === 'done') finish(undefined, true);
          else finish(m.message, false);
        };
        const onExit = (code: number | null, sig: NodeJS.Signals | null): void => {
          const tail = stderrTail.get(child)?.trim().split('\n').at(-1);
          finish(`worker exited with ${sig ? `signal ${sig}` : `code ${code}`}${tail ? ` (${tail})` : ''}`, false);
        };
        const onAbort = (): void => finish('interrupted', false);
        child.on('message', onMessage);
        child.once('exit', onExit);
        signal.addEventListener('abort', onAbort, { once: true });
        const request: WorkerRequest = {
          type: 'run',
          config: spec.config,
          ...(spec.stopAfterSeconds !== undefined ? { stopAfterSeconds: spec.stopAfterSeconds } : {}),
          ...(resume ? { resume: true } : {}),
        };
        child.send(request, (err) => (err ? finish(`cannot reach the worker: ${err.message}`, false) : progress(0)));
      }),
    close: () => {
      for (const child of all) child.kill('SIGTERM');
    },
  };
}
