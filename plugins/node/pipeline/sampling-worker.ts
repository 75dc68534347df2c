/**
 * One sampling actor's thread (started by `worker-actors.ts` from its file: the compiled module,
 * or under the TypeScript sources through `bin/sampling-worker.js`, which registers tsx first). It
 * loads the built-in plugin and the plugins the config lists, selects the run's backend and builds
 * from the config only what sampling needs — the environment, P_F with its engine — then applies
 * the learner's messages in order to an {@link Actor}, which samples from the thread's own random
 * stream and whose batches go back to the learner.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedConfig } from '../../../core/config/schema.js';
import type { RunContainer } from '../../../core/run/run-container.js';
import { Actor } from '../../../core/sampling/actor.js';
import { buildActorSource } from './actor-source.js';
import { batchMessage, type SamplingReply, type SamplingRequest, type SamplingWorkerData } from './messages.js';
import type { ActorBatch } from '../../../core/sampling/actor-link.js';

const data = workerData as SamplingWorkerData;
const port = parentPort!;

/** The container of what the thread built (freed when it is closed). */
let built: RunContainer | undefined;

/** The actor this thread runs, built from the config. */
async function build(): Promise<Actor> {
  const { source, container } = await buildActorSource(data.config as unknown as ResolvedConfig, data.backend, data.seed, data.baseDir);
  built = container;
  return new Actor(data.actor, source, deliver, fail);
}

/** Sends a batch to the learner, its arrays moved. */
function deliver(batch: ActorBatch): void {
  const { message, transfer } = batchMessage(batch);
  port.postMessage(message, transfer);
}

let failed = false;

function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  const e = err instanceof Error ? err : new Error(String(err));
  const reply: SamplingReply = { kind: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  port.postMessage(reply);
}

const ready = build();
ready.catch(fail);
// messages apply in arrival order, once the actor is built
let chain: Promise<unknown> = ready;

/** Frees what the thread built and ends it, once the batch being sampled is delivered (ending inside a native engine's call can bring the process down). */
async function close(): Promise<void> {
  await (await ready.catch(() => undefined))?.stop();
  built?.dispose();
  process.exit(0);
}

port.on('message', (message: SamplingRequest) => {
  if (message.kind === 'close') {
    chain = chain.then(close, close);
    return;
  }
  chain = chain
    .then(async () => {
      if (failed) return;
      const actor = await ready;
      switch (message.kind) {
        case 'request':
        case 'publish':
          actor[message.kind]({ version: message.version, values: message.values }, { n: message.n, exploration: message.exploration });
          return;
        case 'acknowledge':
          actor.acknowledge();
          return;
        case 'restore':
          actor.restore(message.rngState);
      }
    })
    .catch(fail);
});
