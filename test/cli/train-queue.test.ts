import { describe, expect, it } from 'vitest';
import { parseRunId, useRedisActors } from '../../cli/train-queue.js';
import { registry, smallConfig } from '../training/run-helpers.js';

describe('gfn train --queue', () => {
  it('refuses a config without actors, naming the field, its value and the valid choices', () => {
    expect(() => useRedisActors(smallConfig(), registry, { url: 'redis://127.0.0.1:6379' })).toThrow(
      /--queue: .*field "actors" = 0; valid choices: an integer from 1 to 64/,
    );
  });

  it('refuses a URL that is not redis:// or rediss://, and a run id that cannot name keys', () => {
    expect(() => useRedisActors(smallConfig({ actors: 2 }), registry, { url: 'http://x' })).toThrow(/scheme "http" is not supported/);
    expect(() => parseRunId('a b')).toThrow(/--run "a b": expected letters, digits/);
    expect(parseRunId(undefined)).toBe('default');
  });
});
