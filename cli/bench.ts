import { fileURLToPath } from 'node:url';
import { type BenchOptions, type BenchOutcome, runBench } from '../harness/harness.js';
import { type RunLauncher, workerPoolLauncher } from '../harness/launcher.js';
import { connectRedis } from '../harness/queue/connection.js';
import { queueLauncher } from '../harness/queue/queue-launcher.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { benchReporter } from '../harness/bench-progress.js';
import { loadPlugins } from '../plugins/loader.js';
import { parseRedisWait } from './redis-wait.js';

/**
 * The worker module each run is forked from: the compiled sibling in the package, the tsx launcher
 * of the sources in development.
 */
export const BENCH_WORKER = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../bin/bench-worker.js' : './bench-worker.js', import.meta.url));

/** Options of `gfn bench` (and of {@link benchWithBuiltins}). */
export type BenchCommandOptions = Partial<Pick<BenchOptions, 'outDir' | 'workers' | 'retryFailed' | 'reporter' | 'signal' | 'launcher'>>;

/**
 * Runs a benchmark with the bundled plugins plus those the base config lists, each run in a forked
 * worker process.
 */
export function benchWithBuiltins(configPath: string, options: BenchCommandOptions = {}): Promise<BenchOutcome> {
  return runBench({
    configPath,
    launcher: workerPoolLauncher(BENCH_WORKER),
    ...options,
    // plugin paths are absolute by now (the base config's folder resolved them)
    loadRegistry: async (plugins) => new PluginRegistry([builtinPlugin, ...(await loadPlugins(plugins, process.cwd()))]),
  });
}

/** Options of the `gfn bench` command line. */
export interface BenchCommandLine {
  workers?: string;
  out?: string;
  retryFailed?: boolean;
  /** `redis://…`: run the grid through the job queue instead of local worker processes. */
  queue?: string;
  /** With `--queue`: retries of a run that crashes. */
  retries?: string;
  /** With `--queue`: seconds to wait for a Redis server that is down, at start and whenever the connection is lost. */
  redisWaitSeconds?: string;
}

/**
 * Where `gfn bench` runs go: local worker processes, or with `--queue` the BullMQ queue at that URL
 * (connected and checked before any work, so a bad URL or password fails at once; a server that is
 * down is waited for, up to `--redis-wait-seconds`, with its lines going to `log`).
 */
export async function benchLauncher(
  opts: Pick<BenchCommandLine, 'queue' | 'retries' | 'workers' | 'redisWaitSeconds'>,
  log: (line: string) => void = () => {},
): Promise<RunLauncher> {
  if (opts.queue !== undefined && opts.workers !== undefined)
    throw new Error('--workers applies to local runs; with --queue, the workers are `gfn worker` processes (each with its --concurrency)');
  if (opts.queue === undefined) {
    if (opts.retries !== undefined)
      throw new Error('--retries applies to --queue runs (a local run that fails is kept as failed; --retry-failed runs it again)');
    if (opts.redisWaitSeconds !== undefined) throw new Error('--redis-wait-seconds applies to --queue runs (local runs need no Redis)');
    return workerPoolLauncher(BENCH_WORKER);
  }
  const retries = opts.retries === undefined ? undefined : Number(opts.retries);
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0))
    throw new Error(`--retries ${JSON.stringify(opts.retries)}: expected an integer ≥ 0`);
  const redisWaitSeconds = parseRedisWait(opts.redisWaitSeconds);
  const say = (line: string): void => log(`[bench] ${line}`);
  return queueLauncher({
    connection: await connectRedis(opts.queue, { waitSeconds: redisWaitSeconds, log: say }),
    url: opts.queue,
    redisWaitSeconds,
    log: say,
    ...(retries !== undefined ? { retries } : {}),
  });
}

/** `gfn bench <config>`: progress on stderr, where the outputs are on stdout; Ctrl-C leaves a resumable benchmark. */
export async function benchCommand(configPath: string, opts: BenchCommandLine): Promise<void> {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const workers = opts.workers === undefined ? undefined : Number(opts.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1))
      throw new Error(`--workers ${JSON.stringify(opts.workers)}: expected a positive integer`);
    const reporter = benchReporter();
    const outcome = await benchWithBuiltins(configPath, {
      launcher: await benchLauncher(opts, reporter.line),
      reporter,
      signal: controller.signal,
      ...(workers !== undefined ? { workers } : {}),
      ...(opts.out !== undefined ? { outDir: opts.out } : {}),
      ...(opts.retryFailed ? { retryFailed: true } : {}),
    });
    const failed = outcome.results.filter((r) => r.log.state === 'failed').length;
    process.stdout.write(`${outcome.specs.length} runs (${outcome.ran} run now, ${outcome.skipped} kept${failed > 0 ? `, ${failed} failed` : ''})\n`);
    process.stdout.write(`outputs: ${outcome.outDir}/ (summary.md, results.csv, plots/)\n`);
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
}
