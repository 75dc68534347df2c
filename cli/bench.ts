import { fileURLToPath } from 'node:url';
import { type BenchOptions, type BenchOutcome, runBench } from '../core/bench/harness.js';
import { workerPoolLauncher } from '../core/bench/launcher.js';
import { PluginRegistry } from '../core/plugin.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { benchReporter } from '../plugins/loggers/bench-progress.js';
import { loadPlugins } from '../plugins/loader.js';

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

/** `gfn bench <config>`: progress on stderr, where the outputs are on stdout; Ctrl-C leaves a resumable benchmark. */
export async function benchCommand(configPath: string, opts: { workers?: string; out?: string; retryFailed?: boolean }): Promise<void> {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const workers = opts.workers === undefined ? undefined : Number(opts.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers ${JSON.stringify(opts.workers)}: expected a positive integer`);
    const outcome = await benchWithBuiltins(configPath, {
      reporter: benchReporter(),
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
