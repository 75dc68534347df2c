import { DEFAULT_REDIS_WAIT_SECONDS } from '../harness/queue/connection.js';

/** `--redis-wait-seconds` of `gfn bench --queue` and `gfn worker`: a number of seconds ≥ 0 (default {@link DEFAULT_REDIS_WAIT_SECONDS}). */
export function parseRedisWait(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REDIS_WAIT_SECONDS;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new Error(
      `--redis-wait-seconds ${JSON.stringify(value)}: expected a number of seconds ≥ 0 (0 = fail at once; default ${DEFAULT_REDIS_WAIT_SECONDS})`,
    );
  return n;
}
