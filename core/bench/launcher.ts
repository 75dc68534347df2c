import { type ChildProcess, fork } from 'node:child_process';
import type { ResolvedConfig } from '../config/schema.js';
import type { RunSpec } from './grid.js';

/** What the benchmark sends a worker process: one run to train. */
export interface WorkerRequest {
  type: 'run';
  config: ResolvedConfig;
  /** Wall-time budget in seconds, when the bench budget is `seconds`. */
  stopAfterSeconds?: number;
}

/** What a worker process reports back. */
export type WorkerMessage =
  | { type: 'progress'; iteration: number; elapsedMs: number }
  | { type: 'done'; iterations: number; elapsedMs: number }
  | { type: 'error'; message: string };

/** Hooks a launcher reports through. */
export interface LaunchHooks {
  /** Fraction of the run's budget spent, in [0, 1]. */
  progress(fraction: number): void;
  /** Aborted when the benchmark is interrupted: the run must be killed (it stays partial). */
  signal: AbortSignal;
}

/**
 * Trains runs, wherever it likes (worker processes, or in-process in tests), each writing its
 * `metrics.jsonl` into `spec.dir`. `launch` resolves with the error when the run did not finish;
 * `close` releases whatever the launcher holds once the benchmark is done.
 */
export interface RunLauncher {
  launch(spec: RunSpec, hooks: LaunchHooks): Promise<{ error?: string }>;
  close(): void;
}

/** The budget fraction a run has spent at a progress report. */
export function budgetFraction(spec: RunSpec, iteration: number, elapsedMs: number): number {
  const f = spec.stopAfterSeconds !== undefined ? elapsedMs / 1000 / spec.stopAfterSeconds : iteration / spec.config.iterations;
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
    launch: (spec, { progress, signal }) =>
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
          if (m.type === 'progress') progress(budgetFraction(spec, m.iteration, m.elapsedMs));
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
        const request: WorkerRequest = { type: 'run', config: spec.config, ...(spec.stopAfterSeconds !== undefined ? { stopAfterSeconds: spec.stopAfterSeconds } : {}) };
        child.send(request, (err) => err && finish(`cannot reach the worker: ${err.message}`, false));
      }),
    close: () => {
      for (const child of all) child.kill('SIGTERM');
    },
  };
}
