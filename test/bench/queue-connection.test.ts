import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchLauncher } from '../../cli/bench.js';
import { connectRedis, maskRedisUrl } from '../../harness/queue/connection.js';
import { findRedisServer, freePort, startRedis, type TestRedis } from './queue-helpers.js';

const redisServer = findRedisServer();

describe('job queue URL', () => {
  it('masks the password in anything it prints', () => {
    expect(maskRedisUrl('redis://alice:s3cret@db.example:6380/2')).toBe('redis://alice:***@db.example:6380/2');
    expect(maskRedisUrl('rediss://:s3cret@db.example')).toBe('rediss://:***@db.example');
    expect(maskRedisUrl('redis://db.example:6379')).toBe('redis://db.example:6379');
    expect(maskRedisUrl('not a url://bob:s3cret@x')).not.toContain('s3cret');
  });

  it('rejects a URL that is not redis:// or rediss://, naming it and the valid form, before connecting', async () => {
    await expect(benchLauncher({ queue: 'http://bob:s3cret@localhost:6379' })).rejects.toThrow(
      '--queue "http://bob:***@localhost:6379": scheme "http" is not supported; expected redis://[user:password@]host[:port][/db] or rediss://… (TLS)',
    );
    await expect(benchLauncher({ queue: 'redis://localhost:6379/abc' })).rejects.toThrow('database "abc" is not a number');
    await expect(benchLauncher({ queue: 'localhost:6379' })).rejects.toThrow('expected redis://');
    await expect(benchLauncher({ queue: 'redis://localhost', retries: '-1' })).rejects.toThrow('--retries "-1": expected an integer ≥ 0');
    await expect(benchLauncher({ queue: 'redis://localhost', workers: '4' })).rejects.toThrow('--workers applies to local runs');
    await expect(benchLauncher({ queue: 'redis://localhost', redisWaitSeconds: 'soon' })).rejects.toThrow(
      '--redis-wait-seconds "soon": expected a number of seconds ≥ 0 (0 = fail at once; default 60)',
    );
    await expect(benchLauncher({ redisWaitSeconds: '5' })).rejects.toThrow('--redis-wait-seconds applies to --queue runs (local runs need no Redis)');
  });

  // the per-test timeout stands for "not a hang"
  it('a server nobody listens on: waited for (one line), then an error naming the URL, password masked', { timeout: 15_000 }, async () => {
    const port = await freePort();
    const url = `redis://bob:s3cret@127.0.0.1:${port}/1`;
    const refused = `cannot use the Redis server at redis://bob:***@127.0.0.1:${port}/1: connect ECONNREFUSED 127.0.0.1:${port}`;
    const lines: string[] = [];
    const atOnce = await benchLauncher({ queue: url, redisWaitSeconds: '0' }, (l) => lines.push(l)).catch((e: Error) => e);
    expect((atOnce as Error).message).toBe(refused);
    expect(lines).toEqual([]);

    const start = performance.now();
    const waited = await benchLauncher({ queue: url, redisWaitSeconds: '1.5' }, (l) => lines.push(l)).catch((e: Error) => e);
    const seconds = (performance.now() - start) / 1000;
    expect((waited as Error).message).toBe(`${refused} (tried for 1.5 s; --redis-wait-seconds sets how long)`);
    expect(seconds).toBeGreaterThanOrEqual(1.5);
    expect(lines).toEqual([
      `[bench] waiting for the Redis server at redis://bob:***@127.0.0.1:${port}/1 (connect ECONNREFUSED 127.0.0.1:${port}); trying again for up to 1.5 s`,
    ]);
  });
});

describe.runIf(redisServer !== undefined)('job queue against a Redis server with a password', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(redisServer!, { password: 'right-password' });
  });
  afterAll(() => redis?.stop());

  it('a wrong or missing password: an error naming the URL (password masked) and what Redis said', { timeout: 15_000 }, async () => {
    const wrong = await connectRedis(`redis://:wrong-password@127.0.0.1:${redis.port}`).catch((e: Error) => e);
    expect((wrong as Error).message).toMatch(new RegExp(`^cannot use the Redis server at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}: WRONGPASS`));
    expect((wrong as Error).message).not.toContain('wrong-password');
    const none = await connectRedis(`redis://127.0.0.1:${redis.port}`).catch((e: Error) => e);
    expect((none as Error).message).toMatch(new RegExp(`^cannot use the Redis server at redis://127\\.0\\.0\\.1:${redis.port}: NOAUTH`));
  });

  it('the right password connects', async () => {
    const client = await connectRedis(redis.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});
