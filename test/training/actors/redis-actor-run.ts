import type { ResolvedConfig } from '../../../core/config/schema.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { connectRedis } from '../../../harness/queue/connection.js';
import { RedisActorLink } from '../../../plugins/node/redis-actors/redis-actor-link.js';
import { field, fieldsOf, numberField, runKeys } from '../../../plugins/node/redis-actors/wire.js';
import { startGfn, type TestWorker } from '../../bench/queue-helpers.js';
import { smallConfig } from '../run-helpers.js';

/** A learner in this process whose actors are `gfn actor` processes at `url`, its link once started, and the lines it printed. */
export function redisLearner(url: string, run: string): { registry: PluginRegistry; link: () => RedisActorLink; lines: string[] } {
  let link: RedisActorLink | undefined;
  const lines: string[] = [];
  const registry = new PluginRegistry([
    {
      ...builtinPlugin,
      trajectoryWorker: {
        start: (r) => {
          link = new RedisActorLink(r, { url, run, redisWaitSeconds: 20, log: (l) => lines.push(l) });
          return link;
        },
      },
    },
  ]);
  return { registry, link: () => link!, lines };
}

/** Starts `gfn actor --queue url --run run` processes with 2-second leases (temporary files in `tmp`). */
export function startActors(count: number, url: string, run: string, tmp: string, extra: readonly string[] = []): TestWorker[] {
  return Array.from({ length: count }, () =>
    startGfn(['actor', '--queue', url, '--run', run, '--redis-wait-seconds', '20', '--lease-seconds', '2', ...extra], tmp),
  );
}

/** 2-D H=8 TB-U, MLP 2x32, 30 updates of 16 trajectories, two actors in lockstep with maxLag 0, no evaluation; `patch` overrides. */
export function redisActorsConfig(patch: Record<string, unknown> = {}): ResolvedConfig {
  return smallConfig({
    iterations: 30,
    actors: 2,
    actorSchedule: 'lockstep',
    maxLag: 0,
    estimator: { name: 'mlp', hidden: [32, 32] },
    evaluation: { every: 0 },
    engine: { name: 'backend' },
    ...patch,
  });
}

type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/** A test's copier of control entries: {@link copyControlEntries}. */
export interface ControlCopier {
  /** Copies what is left, stops, and says how many entries of each kind it copied. */
  stop(): Promise<Record<string, number>>;
}

/**
 * Appends to each of `slots`' control streams (epoch 1 of run `run`) a copy of every entry the
 * learner adds there — the same fields, the same `seq` — as a command the learner resent after a
 * lost connection would arrive. Copies are recognised by their `seq` and not copied again.
 */
export async function copyControlEntries(url: string, run: string, slots: readonly number[]): Promise<ControlCopier> {
  const reader = await connectRedis(url);
  const writer = reader.duplicate();
  const streams = slots.map((i) => runKeys(run).control(1, i));
  const after = streams.map(() => '0');
  const copiedSeq = streams.map(() => 0);
  const copied: Record<string, number> = {};
  let stopped = false;
  const pass = async (block: boolean): Promise<void> => {
    const read = block ? reader.xreadBuffer('BLOCK', 200, 'STREAMS', ...streams, ...after) : reader.xreadBuffer('STREAMS', ...streams, ...after);
    const reply = (await read) as StreamReply;
    for (const [key, entries] of reply ?? []) {
      const s = streams.indexOf(key.toString());
      for (const [id, flat] of entries) {
        after[s] = id.toString();
        const m = fieldsOf(flat);
        const seq = numberField(m, 'seq');
        if (seq <= copiedSeq[s]!) continue;
        copiedSeq[s] = seq;
        await writer.xadd(streams[s]!, '*', ...flat);
        const kind = field(m, 'kind').toString();
        copied[kind] = (copied[kind] ?? 0) + 1;
      }
    }
  };
  const loop = (async () => {
    while (!stopped) await pass(true);
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await pass(false);
      reader.disconnect();
      await writer.quit();
      return copied;
    },
  };
}
