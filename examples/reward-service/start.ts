/**
 * Starts the example reward service (server.ts) as a child process and waits until it listens: what
 * the example script and its test use, so that the client talks to a real server over real HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** How to start the service. */
export interface StartOptions {
  /** The environment section whose reward it serves, e.g. `{ name: 'hypergrid', ndim: 2, height: 8 }`. */
  env: Record<string, unknown>;
  latencyPerObjectMs?: number;
  latencyPerBatchMs?: number;
  /** Its first this many batch requests fail with HTTP 503 (default 0). */
  failFirst?: number;
  /** Its working folder (default: this process's). */
  cwd?: string;
  /** Port to listen on (default 0: a free one). */
  port?: number;
  /** Give up if it is not listening by then (ms, default 60,000: its start loads the built-in plugin). */
  startTimeoutMs?: number;
}

/** A running service: its URL, and how to stop it. */
export interface RunningService {
  url: string;
  child: ChildProcess;
  /** Sends SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));

/** Starts the service on 127.0.0.1 and resolves once it prints its URL; rejects with its stderr if it exits or stalls first. */
export async function startRewardService(options: StartOptions): Promise<RunningService> {
  const args = [
    '--import',
    import.meta.resolve('tsx'),
    SERVER,
    '--env',
    JSON.stringify(options.env),
    '--latency-per-object',
    String(options.latencyPerObjectMs ?? 0),
    '--latency-per-batch',
    String(options.latencyPerBatchMs ?? 0),
    '--fail-first',
    String(options.failFirst ?? 0),
    '--port',
    String(options.port ?? 0),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`not listening after ${options.startTimeoutMs ?? 60_000} ms`), options.startTimeoutMs ?? 60_000);
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`the example reward service did not start: ${why}${stderr ? `\n${stderr}` : ''}`));
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => fail(`it exited (code ${code}, signal ${signal})`));
  });
  return { url, child, stop };
}
