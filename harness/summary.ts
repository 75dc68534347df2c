import type { BenchBudget, BenchConfig } from './config.js';
import { conditionTable } from './condition-table.js';
import { mean, type ObjectiveStats } from './statistics.js';
import { formatMeanStd } from './summary-format.js';

/** What `summary.md` is made of. */
export interface SummaryInput {
  bench: BenchConfig;
  stats: readonly ObjectiveStats[];
  /** Tensor backends the runs used (from their logs). */
  backends: readonly string[];
  /** Per environment label: plot files, relative to the summary. */
  plots: Readonly<Record<string, readonly string[]>>;
}

/** Budget in words. */
export function describeBudget(budget: BenchBudget): string {
  if ('iterations' in budget) return `${budget.iterations} iterations per run`;
  if ('trajectories' in budget) return `${budget.trajectories} trajectories per run (iterations = ⌈trajectories / batch size⌉)`;
  return `${budget.seconds} s of wall time per run (stopping at the first evaluation after it)`;
}

/** The threshold cell: mean trajectories and seconds over the seeds that got there. */
export function formatThreshold(t: ObjectiveStats['thresholds'][number], finished: number): string {
  if (t.reached === 0) return '—';
  const partial = t.reached < finished ? ` (${t.reached}/${finished} seeds)` : '';
  return `${Math.round(t.trajectories)} traj · ${t.seconds.toFixed(1)} s${partial}`;
}

/**
 * `summary.md`: per environment, a table with each objective's final TV, JSD and |log Ẑ − log Z|
 * (mean ± std over the finished seeds), iterations/s, and the trajectories and seconds to first
 * reach each TV threshold — or, for an environment evaluated by sampling, the sampled metrics
 * (see `sampledTable`); then failed runs with their errors and runs without a complete log.
 */
export function summaryMarkdown({ bench, stats, backends, plots }: SummaryInput): string {
  const nRuns = bench.environments.length * bench.objectives.length * bench.seeds.length;
  const out: string[] = [
    `# Benchmark \`${bench.name}\``,
    '',
    ...(bench.description ? [bench.description, ''] : []),
    `${bench.environments.length} environment(s) × ${bench.objectives.length} objective(s) × ${bench.seeds.length} seed(s) (${bench.seeds.join(', ')}) = ${nRuns} runs; ` +
      `budget: ${describeBudget(bench.budget)}; backend: ${backends.length > 0 ? backends.join(', ') : 'unknown'}.`,
    '',
    "Final values are each finished run's last evaluation, as mean ± sample std over seeds. " +
      '"TV ≤ t": trajectories and seconds until the first evaluation with TV ≤ t, averaged over the seeds that reached it; "—" when none did.',
  ];
  for (const env of bench.environments) {
    const rows = stats.filter((s) => s.env === env.label);
    const overrides = Object.keys(env.overrides).length > 0 ? ` with \`${JSON.stringify(env.overrides)}\`` : '';
    out.push('', `## ${env.label}`, '', `\`${JSON.stringify(env.env)}\`${overrides}`, '');
    if (rows.some((s) => s.final.tv === undefined && s.final.testSpearman !== undefined)) out.push(...sampledTable(rows, bench.seeds.length));
    else out.push(...exactTable(rows, bench.seeds.length, bench.tvThresholds));
    const perCondition = conditionTable(rows, bench.seeds.length);
    if (perCondition.length > 0) out.push('', ...perCondition);
    const failed = rows.flatMap((s) => s.failed.map((f) => `- \`${s.objective}\` seed ${f.seed}: ${f.error.replace(/\s+/g, ' ')}`));
    if (failed.length > 0) out.push('', '**Failed runs**', '', ...failed);
    const incomplete = rows.flatMap((s) => s.incomplete.map((seed) => `\`${s.objective}\` seed ${seed}`));
    if (incomplete.length > 0) out.push('', `**Not complete** (run the benchmark again to finish them): ${incomplete.join(', ')}`);
    for (const p of plots[env.label] ?? []) out.push('', `![${env.label}](${p})`);
  }
  return `${out.join('\n')}\n`;
}

/** The table of an environment evaluated exactly: TV, JSD, |log Ẑ − log Z|, it/s and the TV thresholds. */
function exactTable(rows: readonly ObjectiveStats[], seeds: number, tvThresholds: readonly number[]): string[] {
  const out = [
    `| objective | seeds | TV | JSD | \\|log Ẑ − log Z\\| | it/s | ${tvThresholds.map((t) => `TV ≤ ${t}`).join(' | ')} |`,
    `|---|---|---|---|---|---|${tvThresholds.map(() => '---|').join('')}`,
  ];
  for (const s of rows) {
    const f = (k: string): string => formatMeanStd(s.final[k] ?? []);
    const thresholds = s.thresholds.map((t) => formatThreshold(t, s.finished));
    out.push(
      `| ${s.objective} | ${s.finished}/${seeds} | ${f('tv')} | ${f('jsd')} | ${f('logZError')} | ${formatIterationsPerSecond(s)} | ${thresholds.join(' | ')} |`,
    );
  }
  return out;
}

/**
 * The table of an environment evaluated by sampling: log p̂ / log R correlations on the test set,
 * |log Ẑ_IS − log Z| where log Z is known, modes found over the run and the trajectories to half
 * of them, top-k mean reward and diversity.
 */
function sampledTable(rows: readonly ObjectiveStats[], seeds: number): string[] {
  const out = [
    '| objective | seeds | Spearman (test) | Pearson (test) | \\|log Ẑ_IS − log Z\\| | modes found | traj. to 50% modes | top-k reward | top-k diversity | it/s |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of rows) {
    const f = (k: string): string => formatMeanStd(s.final[k] ?? []);
    out.push(
      `| ${s.objective} | ${s.finished}/${seeds} | ${f('testSpearman')} | ${f('testPearson')} | ${f('logZIsError')} | ${f('modesFound')} | ${f('trajectoriesTo50pct')} | ${f('topKReward')} | ${f('topKDiversity')} | ${formatIterationsPerSecond(s)} |`,
    );
  }
  return out;
}

/** Mean iterations/s over the finished seeds, or — when none finished. */
function formatIterationsPerSecond(s: ObjectiveStats): string {
  return s.iterationsPerSecond.length > 0 ? mean(s.iterationsPerSecond).toFixed(1) : '—';
}
