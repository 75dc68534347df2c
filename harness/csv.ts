import type { RunResult } from './statistics.js';

/** Metrics that lead the CSV's metric columns, in this order; others follow alphabetically. */
const LEADING_METRICS = ['tv', 'jsd', 'logZError', 'logZ', 'rewardRatio', 'modesFound', 'modesTotal'];

/**
 * `results.csv`: one row per run and evaluation point — env, objective, seed, the run's state,
 * iterations completed, trajectories sampled, seconds elapsed, then every evaluation metric any
 * run reported, then the training loss at that iteration. Empty cells where a run lacks a value.
 */
export function resultsCsv(results: readonly RunResult[]): string {
  const seen = new Set(results.flatMap((r) => r.log.points.flatMap((p) => Object.keys(p.metrics))));
  const metrics = [...LEADING_METRICS.filter((m) => seen.has(m)), ...[...seen].filter((m) => !LEADING_METRICS.includes(m)).sort()];
  const header = ['env', 'objective', 'seed', 'run', 'state', 'iterations', 'trajectories', 'elapsedSeconds', ...metrics, 'loss'];
  const rows = [header.join(',')];
  for (const r of results) {
    for (const p of r.log.points) {
      const cells = [
        r.env,
        r.objective,
        r.seed,
        r.id,
        r.log.state,
        p.iterations,
        p.trajectories,
        round(p.elapsedSeconds),
        ...metrics.map((m) => p.metrics[m]),
        p.loss,
      ];
      rows.push(cells.map(cell).join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function cell(v: string | number | undefined): string {
  if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
