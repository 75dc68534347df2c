import { connectRedis, maskRedisUrl } from '../harness/queue/connection.js';
import { startQueueWorker } from '../harness/queue/queue-worker.js';
import { BENCH_WORKER } from './bench.js';

/** Options of the `gfn worker` command line. */
export interface WorkerCommandLine {
  queue: string;
  concurrency?: string;
  results?: string;
  lockSeconds?: string;
}

/**
 * `gfn worker --queue redis://…`: trains runs from the queue until stopped (Ctrl-C or SIGTERM;
 * the runs it was training are taken over by other workers once their locks lapse).
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
  process.stderr.write(`[worker] connecting to ${maskRedisUrl(opts.queue)}\n`);
  const worker = await startQueueWorker({
    connection: await connectRedis(opts.queue),
    workerModule: BENCH_WORKER,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(lockSeconds !== undefined ? { lockSeconds } : {}),
    ...(opts.results !== undefined ? { resultsDir: opts.results } : {}),
    log: (line) => void process.stderr.write(`${line}\n`),
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.stderr.write(`[worker ${worker.name}] stopping\n`);
      void worker.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
