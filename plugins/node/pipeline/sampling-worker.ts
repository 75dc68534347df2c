/**
 * The pipelined trainer's sampling thread (started by `worker-source.ts` from its file: the
 * compiled module, or under the TypeScript sources through `bin/sampling-worker.js`, which
 * registers tsx first). It loads the built-in plugin and the plugins the config lists, selects the
 * run's backend and builds from the config only what sampling needs — the environment, P_F with its
 * engine — then answers requests in order: each `sample` loads the parameters it carries into P_F
 * and draws a batch from the thread's own random stream.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../../../core/base/rng.js';
import type { ResolvedConfig } from '../../../core/config/schema.js';
import { TOKENS } from '../../../core/di/tokens.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { createRunContainer } from '../../../core/run/container.js';
import type { RunContainer } from '../../../core/run/run-container.js';
import { InThreadTrajectorySource } from '../../../core/sampling/trajectory-source.js';
import { type BackendChoice, selectBackend } from '../../../core/tensor/backend.js';
import { builtinPlugin } from '../../builtin/index.js';
import { loadPlugins } from '../../loader.js';
import { batchMessage, type SamplingReply, type SamplingRequest, type SamplingWorkerData } from './messages.js';

const data = workerData as SamplingWorkerData;
const port = parentPort!;

/** The container of what the thread built (freed when it is closed). */
let built: RunContainer | undefined;

/** The source this thread runs, built from the config. */
async function build(): Promise<InThreadTrajectorySource> {
  const config = data.config as unknown as ResolvedConfig;
  const registry = new PluginRegistry([builtinPlugin, ...(await loadPlugins(config.plugins, data.baseDir))]);
  for (const [section, kind] of [
    ['env', 'environment'],
    ['estimator', 'estimator'],
  ] as const) {
    const name = config[section].name;
    if (!registry.section(section).has(name)) {
      throw new Error(
        `${kind} '${name}' is not registered here: the sampling thread loads the built-in plugin and those config.plugins lists, not plugins defined in the program (list its module in "plugins", or set pipeline false)`,
      );
    }
  }
  const backend = await selectBackend(data.backend as BackendChoice, registry.tensorHost);
  const container = createRunContainer(config, registry, backend);
  built = container;
  const env = container.get(TOKENS.Environment);
  return new InThreadTrajectorySource(env, container.get(TOKENS.ForwardEstimator), new Rng(data.seed));
}

const ready = build();
// one request at a time, in arrival order
let chain: Promise<unknown> = ready;
let failed = false;

function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  const e = err instanceof Error ? err : new Error(String(err));
  const reply: SamplingReply = { kind: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  port.postMessage(reply);
}

/** Frees what the thread built and ends it, at a point where no engine call is running. */
function close(): void {
  built?.dispose();
  process.exit(0);
}

port.on('message', (request: SamplingRequest) => {
  if (request.kind === 'close') {
    chain = chain.then(close, close);
    return;
  }
  chain = chain.then(async () => {
    if (failed) return;
    const source = await ready;
    if (request.kind === 'restore') {
      source.restore(request.rngState);
      return;
    }
    source.request({ n: request.n, exploration: request.exploration }, { version: request.version, values: request.values });
    const { message, transfer } = batchMessage(await source.next());
    port.postMessage(message, transfer);
  });
  chain = chain.catch(fail);
});
ready.catch(fail);
