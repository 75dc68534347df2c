import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { PluginRegistry } from '../core/plugin/plugin.js';
import { configPath } from '../run-folder/paths.js';
import { appendRunError } from '../run-folder/metrics-writer.js';
import { hasEnded } from '../run-folder/run-state.js';
import { BENCH_FILE } from './bench-layout.js';
import { type BenchConfig, readBenchConfig } from './config.js';
import { trainingIdentity } from './config-identity.js';
import { expandGrid, loadBase, type RunSpec, validateGrid } from './grid.js';
import type { RunLauncher } from './launcher.js';
import { collectResults, writeBenchOutputs } from './outputs.js';
import { readRunLog } from './run-log.js';
import type { RunResult } from './statistics.js';

/** Overall progress of a benchmark. */
export interface BenchProgress {
  /** Runs with a complete log (skipped ones included). */
  done: number;
  total: number;
  /** `done` plus the budget fractions of the running runs. */
  value: number;
  running: number;
  /** Runs recorded as failed, among `done`. */
  failed: number;
  /** The runs executing now. */
  runs: RunningRun[];
  /** Estimated seconds until every run is done, once there is a rate to go by. */
  etaSeconds?: number;
}

/** A run that is executing: its name, the budget fraction spent, and iterations done when known. */
export interface RunningRun {
  id: string;
  fraction: number;
  iterations?: number;
}

/** Where the benchmark reports to (a progress bar on a TTY, plain lines otherwise, or a test). */
export interface BenchReporter {
  /** One line of news: skipped, re-run, finished or failed runs. */
  line(text: string): void;
  progress(state: BenchProgress): void;
  /** Before the outputs are written: the live display ends. */
  close(): void;
}

/** Options of {@link runBench}. */
export interface BenchOptions {
  configPath: string;
  /** Output folder; default `bench/<name>` under the current directory. */
  outDir?: string;
  /** Parallel runs; default the config's `workers`, else the number of cores. */
  workers?: number;
  /** Re-run runs recorded as failed (by default a failure is a result, kept like a finished run). */
  retryFailed?: boolean;
  /** The plugin registry for the base config's `plugins` (absolute paths or package names). */
  loadRegistry(plugins: readonly string[]): Promise<PluginRegistry>;
  launcher: RunLauncher;
  reporter?: BenchReporter;
  /** Aborting kills the running runs (they stay partial and re-run next time). */
  signal?: AbortSignal;
}

/** What {@link runBench} did. */
export interface BenchOutcome {
  bench: BenchConfig;
  outDir: string;
  specs: RunSpec[];
  results: RunResult[];
  /** Runs trained in this invocation. */
  ran: number;
  /** Runs whose complete logs were kept. */
  skipped: number;
  files: string[];
}

/**
 * `gfn bench`: reads and validates the bench config and every run config of its grid (a bad grid
 * fails before any work), keeps runs whose logs are complete, re-runs partial ones from scratch,
 * trains the rest on `workers` parallel launches, and writes `results.csv`, `summary.md` and the
 * plots from the logs. A failed run is recorded with its error; the others carry on.
 */
export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const report = options.reporter ?? { line: () => {}, progress: () => {}, close: () => {} };
  const bench = readBenchConfig(options.configPath);
  const base = loadBase(bench, dirname(resolve(options.configPath)));
  const registry = await options.loadRegistry(Array.isArray(base.config.plugins) ? base.config.plugins.map(String) : []);
  const outDir = resolve(options.outDir ?? join('bench', bench.name));
  const { runs, problems } = expandGrid(bench, base.config, outDir);
  const specs = validateGrid(bench, runs, registry, outDir, problems);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, BENCH_FILE), `${JSON.stringify(bench, null, 2)}\n`);

  const plans = specs.map((s) => planRun(s, options.retryFailed ?? false, report));
  const pending = specs.filter((_, i) => plans[i] === 'run');
  const skipped = specs.length - pending.length;
  const launcher = options.launcher;
  const workers = launcher.concurrency ?? Math.max(1, options.workers ?? bench.workers ?? availableParallelism());
  const where = launcher.where ?? `${Math.min(workers, pending.length)} worker(s)`;
  const plan = pending.length > 0 ? `${pending.length} to run) on ${where}` : 'nothing to run)';
  report.line(`[bench] ${bench.name}: ${specs.length} runs (${skipped} already complete, ${plan}; outputs in ${outDir}`);

  const signal = options.signal ?? new AbortController().signal;
  const running = new Map<string, RunningRun>();
  const start = performance.now();
  let completed = 0;
  let failed = plans.filter((p) => p === 'keep-failure').length;
  const state = (): BenchProgress => {
    const work = completed + [...running.values()].reduce((a, r) => a + r.fraction, 0);
    const elapsed = (performance.now() - start) / 1000;
    const eta = work > 0 ? (elapsed * (pending.length - work)) / work : undefined;
    const runs = [...running.values()].map((r) => ({ ...r }));
    return {
      done: skipped + completed,
      total: specs.length,
      value: skipped + work,
      running: running.size,
      failed,
      runs,
      ...(eta !== undefined ? { etaSeconds: eta } : {}),
    };
  };
  report.progress(state());
  try {
    await pool(pending, workers, signal, async (spec) => {
      rmSync(spec.dir, { recursive: true, force: true });
      const outcome = await launcher.launch(spec, {
        signal,
        ...(options.retryFailed ? { retryFailed: true } : {}),
        progress: (fraction, iterations) => {
          running.set(spec.id, { id: spec.id, fraction, ...(iterations !== undefined ? { iterations } : {}) });
          report.progress(state());
        },
      });
      running.delete(spec.id);
      if (signal.aborted) return;
      let log = readRunLog(spec.dir);
      if (!hasEnded(log.state)) {
        appendRunError(spec.dir, outcome.error ?? 'the worker ended before the run finished');
        // a run that died before it started leaves no config: record which config failed
        const saved = configPath(spec.dir);
        if (!existsSync(saved)) writeFileSync(saved, `${JSON.stringify(spec.config, null, 2)}\n`);
        log = readRunLog(spec.dir);
      }
      completed++;
      if (log.state === 'failed') failed++;
      const s = state();
      report.line(
        `[bench] ${s.done}/${s.total} ${spec.id}: ${describeOutcome(log)}${s.etaSeconds !== undefined && s.done < s.total ? ` | ETA ${formatDuration(s.etaSeconds)}` : ''}`,
      );
      report.progress(s);
    });
  } finally {
    await launcher.close();
    report.close();
  }
  if (signal.aborted) throw new Error(`interrupted: ${skipped + completed} of ${specs.length} runs are complete; run the same command again to continue`);

  const results = collectResults(specs);
  const files = await writeBenchOutputs(bench, results, outDir);
  return { bench, outDir, specs, results, ran: completed, skipped, files };
}

/**
 * Whether a run must (re-)run, or its complete log is kept (finished, or a recorded failure),
 * saying why when its folder already holds something. Each log is read once, here.
 */
function planRun(spec: RunSpec, retryFailed: boolean, report: BenchReporter): 'run' | 'keep-finished' | 'keep-failure' {
  const log = readRunLog(spec.dir);
  if (log.state === 'missing' && !existsSync(spec.dir)) return 'run';
  const sameConfig = savedConfigMatches(spec);
  if (log.state === 'finished' && sameConfig) return 'keep-finished';
  if (log.state === 'failed' && sameConfig && !retryFailed) {
    report.line(`[bench] ${spec.id}: keeping the recorded failure (${log.error}); --retry-failed runs it again`);
    return 'keep-failure';
  }
  const why = !sameConfig && hasEnded(log.state) ? 'its config changed' : log.state === 'failed' ? 'it failed before' : 'its log is incomplete';
  report.line(`[bench] ${spec.id}: ${why}; re-running from scratch`);
  return 'run';
}

/** Whether the run folder's saved config is the config this grid would run now (`logging` aside). */
function savedConfigMatches(spec: RunSpec): boolean {
  try {
    return trainingIdentity(JSON.parse(readFileSync(configPath(spec.dir), 'utf8')) as object) === trainingIdentity(spec.config);
  } catch {
    return false;
  }
}

function describeOutcome(log: ReturnType<typeof readRunLog>): string {
  if (log.state === 'failed') return `FAILED: ${log.error}`;
  const f = log.finished!;
  const tv = log.points.at(-1)?.metrics.tv;
  return `finished ${f.iterations} iterations in ${f.elapsedSeconds.toFixed(1)} s (${(f.iterations / f.elapsedSeconds).toFixed(1)} it/s)${tv !== undefined ? `, TV ${tv.toPrecision(3)}` : ''}`;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Runs `task` over `items` with at most `n` at a time; stops taking new items once aborted. */
async function pool<T>(items: readonly T[], n: number, signal: AbortSignal, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
}
