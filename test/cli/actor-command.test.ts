import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startGfn } from '../bench/queue-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-actor-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gfn actor', () => {
  it('gives up on a Redis server nobody listens on after --redis-wait-seconds: one line while it waits, then an error naming the URL (password masked), exit 1', async () => {
    const port = await freePort();
    const actor = startGfn(['actor', '--queue', `redis://:secret@127.0.0.1:${port}`, '--redis-wait-seconds', '1'], tmp);
    expect(await actor.exited).toBe(1);
    const out = actor.output();
    expect(out.match(/waiting for the Redis server/g)).toHaveLength(1);
    expect(out).toContain(`cannot use the Redis server at redis://:***@127.0.0.1:${port}`);
    expect(out).toContain('tried for 1 s; --redis-wait-seconds sets how long');
    expect(out).not.toContain('secret');
  }, 60_000);

  it('refuses a lease shorter than half a second and a run id that cannot name keys, before connecting', async () => {
    const short = startGfn(['actor', '--queue', 'redis://127.0.0.1:1', '--lease-seconds', '0.1'], tmp);
    expect(await short.exited).toBe(1);
    expect(short.output()).toMatch(/--lease-seconds "0.1": expected a number of seconds ≥ 0.5/);
    const badRun = startGfn(['actor', '--queue', 'redis://127.0.0.1:1', '--run', 'a b'], tmp);
    expect(await badRun.exited).toBe(1);
    expect(badRun.output()).toMatch(/--run "a b": expected letters, digits/);
  }, 60_000);
});
