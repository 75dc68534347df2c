import type { Redis } from 'ioredis';
import { isTransientRedisError } from './connection.js';

/** Options of {@link watchRedis}. */
export interface RedisWatchOptions {
  /** The server as messages name it (its URL with the password masked). */
  server: string;
  /** Seconds an outage may last before the watch gives up. */
  waitSeconds: number;
  /** Where its lines go: one when an outage starts, one when it ends, one per distinct queue error. */
  log: (line: string) => void;
  /** Said after the reason when giving up: what becomes of the work (e.g. "run the same command again once it is back"). */
  afterGivingUp: string;
  /**
   * Called once, when an outage outlasts `waitSeconds`, after the connection is closed. BullMQ's
   * pending promises need not settle then: whoever waits on them races them with this call.
   */
  onGiveUp: (failure: Error) => void;
}

/** A watched connection (see {@link watchRedis}). */
export interface RedisWatch {
  /**
   * An `error` event of a BullMQ object on this connection (a queue, a worker and its blocking
   * connection): failures to reach Redis belong to the outage the connection reports and print
   * nothing; other errors print one line each, an identical one again only a minute later, and
   * none while Redis is away (locks that could not be renewed then, say).
   */
  error(err: Error): void;
  /** Why the watch gave up, once it has. */
  readonly failure: Error | undefined;
  /** Stops watching, before the connection is closed on purpose. */
  stop(): void;
}

/** An identical queue error is printed again only after this long. */
const REPEAT_AFTER_MS = 60_000;

/**
 * Follows a Redis connection (one made by `connectRedis`, which reconnects by itself with a
 * back-off) and says what happens to it in as few lines as it takes: one when the connection is
 * lost (with the reason), one when it is back (with how long it was down), never one per retry. An
 * outage that outlasts `waitSeconds` closes the connection and calls `onGiveUp` with an error
 * naming the server, the time and the last reason.
 */
export function watchRedis(client: Redis, options: RedisWatchOptions): RedisWatch {
  let stopped = false;
  let failure: Error | undefined;
  let downSince: number | undefined;
  let lastError: Error | undefined;
  let giveUpTimer: NodeJS.Timeout | undefined;
  const printed = new Map<string, number>();
  const elapsed = (): string => String(Math.round((performance.now() - downSince!) / 100) / 10);

  const giveUp = (): void => {
    if (stopped || failure) return;
    const reason = lastError ? ` (${lastError.message})` : '';
    failure = new Error(`lost the Redis server at ${options.server} for more than ${options.waitSeconds} s${reason}; ${options.afterGivingUp}`);
    stop();
    client.disconnect();
    options.onGiveUp(failure);
  };
  const onError = (err: Error): void => {
    lastError = err;
  };
  const onClose = (): void => {
    if (stopped || downSince !== undefined) return;
    downSince = performance.now();
    const reason = lastError ? ` (${lastError.message})` : '';
    options.log(`lost the connection to the Redis server at ${options.server}${reason}; trying again for up to ${options.waitSeconds} s`);
    giveUpTimer = setTimeout(giveUp, options.waitSeconds * 1000);
  };
  const onReady = (): void => {
    if (stopped || downSince === undefined) return;
    options.log(`the Redis server at ${options.server} is back after ${elapsed()} s`);
    clearTimeout(giveUpTimer);
    downSince = undefined;
    lastError = undefined;
  };
  client.on('error', onError);
  client.on('close', onClose);
  client.on('ready', onReady);
  function stop(): void {
    stopped = true;
    clearTimeout(giveUpTimer);
    client.off('close', onClose);
    client.off('ready', onReady);
    // the error listener stays: an error after this must not be an unhandled 'error' event
  }

  return {
    error: (err) => {
      if (isTransientRedisError(err)) {
        lastError ??= err;
        return;
      }
      if (downSince !== undefined || stopped) return;
      const now = performance.now();
      const last = printed.get(err.message);
      if (last !== undefined && now - last < REPEAT_AFTER_MS) return;
      printed.set(err.message, now);
      // forget what is no longer recent: messages name jobs, and a sweep has many
      for (const [message, at] of printed) if (now - at >= REPEAT_AFTER_MS) printed.delete(message);
      options.log(`queue error: ${err.message}`);
    },
    get failure() {
      return failure;
    },
    stop,
  };
}
