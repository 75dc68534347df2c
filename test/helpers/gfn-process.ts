import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** How a `gfn` child process ended, and what it printed. */
export interface GfnOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `gfn` child process. */
export interface GfnProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves once its standard output matches `pattern`; rejects if it exits first. */
  printed(pattern: RegExp): Promise<void>;
  /** Resolves when it has exited. */
  exited: Promise<GfnOutcome>;
}

/** Starts `gfn <args>` (this repository's `bin/gfn.js`) with `env` added to its environment variables. */
export function startGfn(args: readonly string[], env: Record<string, string> = {}): GfnProcess {
  const child = spawn('node', ['bin/gfn.js', ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  const waiting: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of waiting.filter((x) => x.pattern.test(stdout))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<GfnOutcome>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const printed = (pattern: RegExp): Promise<void> =>
    pattern.test(stdout)
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          waiting.push({ pattern, resolve });
          void exited.then((o) =>
            reject(new Error(`gfn ${args.join(' ')} exited (${o.code ?? o.signal}) before printing ${pattern}:\n${o.stdout}${o.stderr}`)),
          );
        });
  return { child, printed, exited };
}

/** Runs `gfn <args>` to its end. */
export function runGfn(args: readonly string[], env: Record<string, string> = {}): Promise<GfnOutcome> {
  return startGfn(args, env).exited;
}
