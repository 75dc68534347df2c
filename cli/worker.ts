import { connectRedis, maskRedisUrl } from '../harness/queue/connection.js';
import { startQueueWorker } from '../harness/queue/queue-worker.js';
import { BENCH_WORKER } from './bench.js';
import { parseRedisWait } from './redis-wait.js';

/** Options of the `gfn worker` command line. */
export interface WorkerCommandLine {
  queue: string;
  concurrency?: string;
  results?: string;
  lockSeconds?: string;
  redisWaitSeconds?: string;
}

/**
 * `gfn worker --queue redis://…`: trains runs from the queue until stopped (Ctrl-C or SIGTERM;
 * the runs it was training are taken over by other workers once their locks lapse). It waits for a
 * Redis server that is down, at start and whenever the connection is lost, for up to
 * `--redis-wait-seconds`; then it stops and fails.
 */
export async function workerCommand(opts: WorkerCommandLine): Promise<void> {
  const positive = (flag: string, v: string | undefined, integer: boolean): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(n > 0 && (!integer || Number.isInteger(n)))) throw new Error(`${flag} ${JSON.stringify(v)}: expected a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
  const concurrency = positive('--concurrency', opts.concurrency, true);
  const lockSeconds = positive('--lock-seconds', opts.lockSeconds, false);
  const redisWaitSeconds = parseRedisWait(opts.redisWaitSeconds);
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  say(`[worker] connecting to ${maskRedisUrl(opts.queue)}`);
  const connection = await connectRedis(opts.queue, { waitSeconds: redisWaitSeconds, log: (line) => say(`[worker] ${line}`) });
  const worker = await startQueueWorker({
    connection,
    server: maskRedisUrl(opts.queue),
    redisWaitSeconds,
    workerModule: BENCH_WORKER,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(lockSeconds !== undefined ? { lockSeconds } : {}),
    ...(opts.results !== undefined ? { resultsDir: opts.results } : {}),
    log: say,
  });
  const failure = await new Promise<Error | undefined>((resolve) => {
    const stop = (): void => {
      say(`[worker ${worker.name}] stopping`);
      resolve(undefined);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void worker.failure.then(resolve);
  });
  await worker.close();
  if (failure) throw failure;
}
