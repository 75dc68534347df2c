import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** A process started by {@link spawnUntil}: what it printed so far, and the match it was waited for. */
export interface Started {
  child: ChildProcessWithoutNullStreams;
  match: RegExpExecArray;
  /** Everything it wrote to standard output so far. */
  stdout(): string;
  /** Everything it wrote to standard error so far. */
  stderr(): string;
}

/**
 * Starts a long-running command (a server, a training with its dashboard) and resolves once its
 * standard output matches `pattern`; rejects if it exits first, with what it printed.
 */
export function spawnUntil(command: string, args: readonly string[], pattern: RegExp, cwd?: string): Promise<Started> {
  const child = spawn(command, args, { cwd });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (err += c));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: string) => {
      out += c;
      const match = pattern.exec(out);
      if (match) resolve({ child, match, stdout: () => out, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before printing ${pattern}:\n${out}${err}`)));
  });
}
