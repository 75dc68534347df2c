import { Redis } from 'ioredis';

/** Seconds to wait for Redis to answer before giving up with an error (never a hang). */
export const CONNECT_TIMEOUT_MS = 3000;

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

/**
 * Opens a connection for BullMQ and makes sure it works before anything else happens: a server
 * that is unreachable, refuses the password or does not answer within {@link CONNECT_TIMEOUT_MS}
 * gives an error naming the masked URL and Redis's own reason. Once established, the connection
 * reconnects by itself after a network blip (BullMQ needs `maxRetriesPerRequest: null`).
 */
export async function connectRedis(url: string): Promise<Redis> {
  validateRedisUrl(url);
  let lastError: Error | undefined;
  let connected = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    // before the first success a failure is final: report it rather than retry forever
    retryStrategy: (times) => (connected ? Math.min(times * 200, 2000) : null),
    ...(url.startsWith('rediss:') ? { tls: {} } : {}),
  });
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
    const reason = lastError?.message ?? (err as Error).message;
    throw new Error(`cannot use the Redis server at ${maskRedisUrl(url)}: ${reason}`);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
