import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** Seconds to wait for Redis to answer before giving up with an error (never a hang). */
export const CONNECT_TIMEOUT_MS = 3000;

/**
 * Seconds a queue command waits for its Redis server by default: at the first connection, and
 * again each time the connection is lost, before it fails (`--redis-wait-seconds`).
 */
export const DEFAULT_REDIS_WAIT_SECONDS = 60;

/** The longest pause between two tries to reach Redis: the retries back off from 0.1 s, doubling up to this. */
const MAX_RETRY_DELAY_MS = 2000;

/** The pause before try number `attempt` (from 1) to reach Redis again: 0.1 s, 0.2 s, 0.4 s, … up to {@link MAX_RETRY_DELAY_MS}. */
function retryDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt - 1, 16), MAX_RETRY_DELAY_MS);
}

/** Options of {@link connectRedis}. */
export interface RedisWaitOptions {
  /** Seconds to keep trying to reach a server that is down (default {@link DEFAULT_REDIS_WAIT_SECONDS}; 0 = fail at once). */
  waitSeconds?: number;
  /** Where the line saying that it waits, and the one when the server answers, go (default: nowhere). */
  log?: (line: string) => void;
}

/**
 * The URL with its password replaced by `***`, for messages and logs: a queue URL may carry a
 * password, which must not end up in a terminal scrollback or a CI log.
 */
export function maskRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // not parseable: hide whatever sits between "//" and "@"
    return url.replace(/\/\/([^@/]*)@/, (_m, auth: string) => `//${auth.includes(':') ? `${auth.slice(0, auth.indexOf(':'))}:***` : auth}@`);
  }
}

/**
 * Checks the form of a queue URL: `redis://` or `rediss://` (TLS), `[user:password@]host[:port][/db]`.
 * Throws naming the (masked) URL and the valid form.
 */
export function validateRedisUrl(url: string): void {
  const form = 'expected redis://[user:password@]host[:port][/db] or rediss://… (TLS)';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue ${JSON.stringify(maskRedisUrl(url))}: not a URL; ${form}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`--queue ${JSON.stringify(maskRedisUrl(url))}: scheme "${u.protocol.replace(/:$/, '')}" is not supported; ${form}`);
  if (!u.hostname) throw new Error(`--queue ${JSON.stringify(maskRedisUrl(url))}: no host; ${form}`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`--queue ${JSON.stringify(maskRedisUrl(url))}: database "${db}" is not a number; ${form}`);
}

/** Network failures that a later try may not meet (the server restarting, a network blip), as opposed to a wrong password or host name. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * Whether a failure to reach Redis may pass by itself: the server is down or restarting (refused,
 * reset, no answer, still loading its data), as opposed to one that waiting cannot mend (a wrong
 * password, an unknown host name, a database index out of range).
 */
export function isTransientRedisError(err: unknown): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  const text = typeof message === 'string' ? message : '';
  return /^no answer within|^LOADING|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(text);
}

/**
 * Opens a connection for BullMQ and makes sure it works before anything else happens. A server
 * that is down (refused, reset, no answer within {@link CONNECT_TIMEOUT_MS}) is tried again, backing
 * off ({@link retryDelayMs}), for up to `waitSeconds`, with one line when the waiting starts and one
 * when it ends; then, or at once for a failure waiting cannot mend (a wrong password), the error
 * names the masked URL and Redis's own reason. Once established, the connection reconnects by
 * itself with the same back-off whenever it is lost (see `watchRedis` for how long that may last).
 */
export async function connectRedis(url: string, options: RedisWaitOptions = {}): Promise<Redis> {
  validateRedisUrl(url);
  const masked = maskRedisUrl(url);
  const waitMs = Math.max(0, (options.waitSeconds ?? DEFAULT_REDIS_WAIT_SECONDS) * 1000);
  const log = options.log ?? (() => {});
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await connectOnce(url);
      if (attempt > 1) log(`the Redis server at ${masked} answered after ${seconds(performance.now() - started)} s`);
      return client;
    } catch (err) {
      const waited = performance.now() - started;
      const reason = (err as Error).message;
      if (!isTransientRedisError(err) || waited >= waitMs) {
        const bound = attempt > 1 ? ` (tried for ${seconds(waitMs)} s; --redis-wait-seconds sets how long)` : '';
        throw new Error(`cannot use the Redis server at ${masked}: ${reason}${bound}`);
      }
      if (attempt === 1) log(`waiting for the Redis server at ${masked} (${reason}); trying again for up to ${seconds(waitMs)} s`);
      await sleep(Math.min(retryDelayMs(attempt), waitMs - waited));
    }
  }
}

/** One try: connect and PING; rejects with Redis's own error (its `code` kept, so that it can be classified). */
async function connectOnce(url: string): Promise<Redis> {
  let lastError: Error | undefined;
  let connected = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    // before the first success a failure ends this try (connectRedis decides whether to try again)
    retryStrategy: (times) => (connected ? retryDelayMs(times) : null),
    ...(url.startsWith('rediss:') ? { tls: {} } : {}),
  });
  // the connection's errors are handled here and by watchRedis: never an unhandled 'error' event
  client.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await client.connect();
    await withTimeout(client.ping(), CONNECT_TIMEOUT_MS);
    connected = true;
    return client;
  } catch (err) {
    client.disconnect();
    throw lastError ?? err;
  }
}

/** Milliseconds as seconds for a message: `4.2`, `60`. */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
