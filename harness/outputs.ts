import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_SUMMARY_FILE } from './bench-layout.js';
import type { BenchConfig } from './config.js';
import { resultsCsv } from './csv.js';
import type { RunSpec } from './grid.js';
import { aggregateSeries, type PlotAxis, plotFileName, plotSpec, renderSvg } from './plots.js';
import { readRunLog } from './run-log.js';
import { gridStats, type RunResult } from './statistics.js';
import { summaryMarkdown } from './summary.js';

/** The runs of a grid with their logs as they are on disk now. */
export function collectResults(specs: readonly RunSpec[]): RunResult[] {
  return specs.map((s) => ({ id: s.id, env: s.env, objective: s.objective, seed: s.seed, log: readRunLog(s.dir) }));
}

/**
 * Writes the benchmark's outputs into `outDir` from the runs' logs: `results.csv`, `summary.md` and
 * `plots/<env>-iterations.svg`, `plots/<env>-seconds.svg`. Everything is derived from the logs, so
 * running the benchmark again regenerates the same files. Returns the paths written.
 */
export async function writeBenchOutputs(bench: BenchConfig, results: readonly RunResult[], outDir: string): Promise<string[]> {
  const written: string[] = [];
  const write = (rel: string, text: string): void => {
    writeFileSync(join(outDir, rel), text);
    written.push(join(outDir, rel));
  };
  mkdirSync(join(outDir, 'plots'), { recursive: true });
  write('results.csv', resultsCsv(results));
  const objectives = bench.objectives.map((o) => o.label);
  const plots: Record<string, string[]> = {};
  for (const env of bench.environments) {
    const points = aggregateSeries(results, env.label, objectives);
    plots[env.label] = [];
    if (points.length === 0) continue;
    for (const axis of ['iterations', 'seconds'] as PlotAxis[]) {
      const rel = join('plots', plotFileName(env.label, axis));
      write(rel, await renderSvg(plotSpec(points, objectives, axis, `${env.label}: mean over seeds, band = min–max`)));
      plots[env.label]!.push(rel);
    }
  }
  const stats = gridStats(
    results,
    bench.environments.map((e) => e.label),
    objectives,
    bench.tvThresholds,
  );
  const backends = [...new Set(results.map((r) => r.log.backend).filter((b): b is string => b !== undefined))];
  write(BENCH_SUMMARY_FILE, summaryMarkdown({ bench, stats, backends, plots }));
  return written;
}
