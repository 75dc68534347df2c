import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis } from '../../harness/queue/connection.js';
import { QUEUE_NAME } from '../../harness/queue/jobs.js';

const GFN = fileURLToPath(new URL('../../bin/gfn.js', import.meta.url));

/**
 * The redis-server binary, or undefined (with the reason printed) when this machine has none. CI
 * installs it and sets GFN_REQUIRE_REDIS=1, which turns a missing binary into a failure.
 */
export function findRedisServer(): string | undefined {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    const why = 'no redis-server binary on this machine (apt-get install redis-server): the job queue tests are skipped';
    if (process.env.GFN_REQUIRE_REDIS) throw new Error(`${why}, but GFN_REQUIRE_REDIS is set`);
    console.warn(why);
    return undefined;
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A Redis server of this test's own, on 127.0.0.1 and a free port, in a temporary folder. */
export interface TestRedis {
  port: number;
  url: string;
  /** Kills the server with SIGKILL (a crash: nothing is saved on the way out); its folder stays for {@link restart}. */
  crash(): Promise<void>;
  /** Starts the server again on the same port, from the same folder; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface TestRedisOptions {
  /** Sets `requirepass`. */
  password?: string;
  /** The port (default: a free one). */
  port?: number;
  /**
   * Keep every write on disk (append-only file, synced at each write), so that a server that
   * crashes and restarts comes back with the queue as it was: BullMQ keeps everything (jobs, their
   * states, locks, the runs' files) in Redis. Default: no persistence.
   */
  persistent?: boolean;
}

/** Starts redis-server and waits until it answers. */
export async function startRedis(binary: string, options: TestRedisOptions = {}): Promise<TestRedis> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'gfn-redis-'));
  const persistence = options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence];
  if (options.password) args.push('--requirepass', options.password);
  let server = await launchRedis(binary, args);
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill(signal);
    await exited;
  };
  const url = `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`;
  return {
    port,
    url,
    crash: () => kill('SIGKILL'),
    restart: async () => {
      await kill('SIGKILL');
      server = await launchRedis(binary, args);
    },
    stop: async () => {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns redis-server and resolves once it is ready to accept connections. */
async function launchRedis(binary: string, args: readonly string[]): Promise<ChildProcess> {
  const server = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return server;
}

/** A `gfn worker` (or other `gfn`) process started by a test, with what it printed. */
export interface TestWorker {
  process: ChildProcess;
  output(): string;
  /** Resolves with its exit code once it has exited by itself or been stopped. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `gfn worker --queue <url> --lock-seconds 2 …` as a separate process, with its temporary
 * files in `tmp` (a worker killed with SIGKILL cannot clean up its own).
 */
export function startWorker(url: string, extra: readonly string[], tmp: string): TestWorker {
  return startGfn(['worker', '--queue', url, '--lock-seconds', '2', ...extra], tmp);
}

/** Starts `gfn <args>` (the development launcher) as a separate process with its temporary files in `tmp`, recording what it prints on stderr. */
export function startGfn(args: readonly string[], tmp: string): TestWorker {
  const child = spawn(process.execPath, [GFN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    process: child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
}

/** A BullMQ view of the test's queue, for assertions on jobs (quiet while a test takes its Redis server away). */
export async function inspectQueue(url: string): Promise<Queue> {
  const queue = new Queue(QUEUE_NAME, { connection: await connectRedis(url) });
  queue.on('error', () => {});
  return queue;
}

/** Polls `check` every 100 ms until it returns a value (not undefined). */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a queue test works with: its own Redis server, a view of the queue, the workers it started. */
export interface QueueFixture {
  redis: TestRedis;
  queue: Queue;
  workers: TestWorker[];
  /** Starts `gfn worker`s, one per argument list, stopped after the tests; resolves once all of them take jobs. */
  startWorkers(...extra: string[][]): Promise<TestWorker[]>;
}

/**
 * Registers the hooks of a queue test file: a Redis server before the tests; after them the
 * workers, the queue view and the server are stopped and `tmp` is removed.
 */
export function useQueueFixture(binary: string | undefined, tmp: string): QueueFixture {
  const fixture = { workers: [] as TestWorker[] } as QueueFixture;
  fixture.startWorkers = async (...extra) => {
    const started = extra.map((args) => startWorker(fixture.redis.url, args, tmp));
    fixture.workers.push(...started);
    // all of them listening before any job exists: each worker gets a share of the grid
    await waitFor(() => (started.every((w) => w.output().includes('taking runs from the queue')) ? true : undefined));
    return started;
  };
  beforeAll(async () => {
    if (binary === undefined) return;
    fixture.redis = await startRedis(binary);
    fixture.queue = await inspectQueue(fixture.redis.url);
  });
  afterAll(async () => {
    await Promise.all(fixture.workers.map((w) => w.stop()));
    await fixture.queue?.close();
    await fixture.redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  return fixture;
}
