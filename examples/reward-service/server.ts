/**
 * An example reward service: the reward of a shipped environment behind HTTP, with a configurable
 * latency, so that training against a reward that takes time can be tried and tested on one
 * machine. Wire format: core/env/reward-wire.ts (docs/rewards.md).
 *
 *   npx tsx examples/reward-service/server.ts --env '{"name":"hypergrid","ndim":2,"height":8}' \
 *     --latency-per-object 20 --latency-per-batch 5 [--fail-first 0] [--host 127.0.0.1] [--port 0]
 *
 * Prints one line, `reward service listening on http://HOST:PORT/`, once it accepts requests (port 0,
 * the default, takes a free one), and stops on SIGTERM or SIGINT. `GET /stats` answers the number of
 * batches and states it has scored and of the requests it failed on purpose (`--fail-first`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Environment } from '../../core/env/environment.js';
import { decodeRewardRequest, encodeRewardResponse } from '../../core/env/reward-wire.js';
import { isGymEnvFactory } from '../../core/gym/gym-env.js';
import { preflight } from '../../core/config/preflight.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

/** How the service scores. */
export interface RewardServiceOptions {
  /** Whose `logReward` it computes. */
  env: Environment;
  /** Added to each batch's answer time, per state in it (ms). */
  latencyPerObjectMs: number;
  /** Added to each batch's answer time, once (ms). */
  latencyPerBatchMs: number;
  /** Its first this many batch requests are answered HTTP 503, as by a service still coming up (to try a client's retries); default 0. */
  failFirst?: number;
}

/** An HTTP server that answers `POST /` with the log-rewards of the posted states, after the configured latency. */
export function createRewardServer(options: RewardServiceOptions): Server {
  const { env, latencyPerObjectMs, latencyPerBatchMs, failFirst = 0 } = options;
  const served = { batches: 0, states: 0, failed: 0 };
  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET' && req.url === '/stats') return answer(res, 200, served);
    if (req.method !== 'POST') return answer(res, 405, { error: `method ${req.method}: POST a batch of states, or GET /stats` });
    if (served.failed < failFirst) {
      served.failed++;
      return answer(res, 503, { error: `failing request ${served.failed} of the first ${failFirst} on purpose (--fail-first)` });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let batch: { states: Int32Array; count: number };
    try {
      batch = decodeRewardRequest(JSON.parse(Buffer.concat(chunks).toString('utf8')), env.stateDim);
    } catch (error) {
      return answer(res, 400, { error: (error as Error).message });
    }
    await sleep(latencyPerBatchMs + latencyPerObjectMs * batch.count);
    const logRewards = env.logReward(batch.states);
    served.batches++;
    served.states += batch.count;
    answer(res, 200, encodeRewardResponse(logRewards));
  };
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, 500, { error: String(error) }));
  });
}

/** The GFlowNet environment an `env` config section names (a built-in one), its options checked. */
export function environmentFromSection(section: Record<string, unknown>): Environment {
  const { environment } = preflight({ env: section, objective: { name: 'tb' }, evaluation: { mode: 'none' } }, new PluginRegistry([builtinPlugin]));
  if (isGymEnvFactory(environment)) throw new Error(`--env ${JSON.stringify(section)}: a classic (Gym) environment has no terminal reward to serve`);
  return environment;
}

function nonNegative(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag} = ${JSON.stringify(text)}: must be a number >= 0`);
  return value;
}

function count(flag: string, text: string): number {
  const value = nonNegative(flag, text);
  if (!Number.isInteger(value)) throw new Error(`--${flag} = ${JSON.stringify(text)}: must be an integer >= 0`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      env: { type: 'string', default: '{"name":"hypergrid","ndim":2,"height":8}' },
      'latency-per-object': { type: 'string', default: '0' },
      'latency-per-batch': { type: 'string', default: '0' },
      'fail-first': { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
    },
  });
  const env = environmentFromSection(JSON.parse(values.env) as Record<string, unknown>);
  const server = createRewardServer({
    env,
    latencyPerObjectMs: nonNegative('latency-per-object', values['latency-per-object']),
    latencyPerBatchMs: nonNegative('latency-per-batch', values['latency-per-batch']),
    failFirst: count('fail-first', values['fail-first']),
  });
  server.listen(Number(values.port), values.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : values.port;
    process.stdout.write(`reward service listening on http://${values.host}:${port}/\n`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // keep-alive connections would hold close() open
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`reward service: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
