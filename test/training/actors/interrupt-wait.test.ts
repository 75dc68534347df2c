import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { train } from '../../../core/run/run.js';
import type { ActorBatch, ActorLink } from '../../../core/sampling/actor-link.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { smallConfig } from '../run-helpers.js';

/** Actors that never deliver (processes never started): a wait for a batch ends only when the link closes. */
function silentLink(size: number): ActorLink & { closed: boolean } {
  const waits: Array<(e: Error) => void> = [];
  return {
    size,
    closed: false,
    publish: () => undefined,
    request: () => undefined,
    receive: () => new Promise<ActorBatch>((_, reject) => waits.push(reject)),
    acknowledge: () => undefined,
    restore: () => undefined,
    close() {
      this.closed = true;
      for (const reject of waits.splice(0)) reject(new Error('closed'));
      return Promise.resolve();
    },
  };
}

describe('a learner waiting on actors that do not come', () => {
  it.each(['async', 'lockstep'])('%s: a signal ends the run at once, with no update made and the actors closed', async (actorSchedule) => {
    const link = silentLink(2);
    const registry = new PluginRegistry([{ ...builtinPlugin, trajectoryWorker: { start: () => link } }]);
    const config = smallConfig({ iterations: 5, evaluation: { every: 0 }, actors: 2, actorSchedule }, registry);
    const abort = new AbortController();
    setTimeout(() => abort.abort('SIGTERM'), 300);
    const { finished } = await train(config, registry, { subscribers: [], signal: abort.signal });
    expect(finished).toMatchObject({ iterations: 0, stopped: 'SIGTERM' });
    // (without the interruption the run would wait for ever: the test would time out)
    expect(link.closed).toBe(true);
  });
});
