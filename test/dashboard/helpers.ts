import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ActorStats } from '../../core/sampling/actor-stats.js';
import type { IterationRecord } from '../../run-folder/records.js';
import { type ParetoRow, paretoView } from '../../core/evaluation/pareto-view.js';
import { VIEWS_DIR, type ViewFile, viewFileName } from '../../run-folder/layout.js';

/** The folders {@link tempDir} made for the importing test file, removed when its tests are done. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the importing test file's tests. */
export function tempDir(prefix = 'gfn-dash-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** One GET with the path sent exactly as given (no client-side normalisation). */
export function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes a run folder: config.json and the given metrics.jsonl text. */
export function writeRun(dir: string, config: Record<string, unknown>, metrics: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'metrics.jsonl'), metrics);
}

/** The metrics of an unconditional run's evaluation at iteration `i`. */
const plainEvaluation = (i: number): Record<string, number> => ({ tv: 1 / (i + 1), jsd: 0.5 / (i + 1), rewardRatio: 0.5 });

/**
 * The metrics of a temperature-conditional run's evaluation at iteration `i`, named as its evaluator
 * names them (docs/conditional.md): TV at each β of the grid 0.5, 1, 2, 4 (`tv@beta=0.5`, …), their
 * mean (`tv`) and the worst (`tvMax`).
 */
export function betaEvaluation(i: number): Record<string, number> {
  const grid = [0.5, 1, 2, 4];
  const tv = grid.map((beta) => Math.min(1, beta / (i + 1)));
  return { ...Object.fromEntries(grid.map((beta, j) => [`tv@beta=${beta}`, tv[j]!])), tv: tv.reduce((a, b) => a + b) / grid.length, tvMax: Math.max(...tv) };
}

/** JSON lines of a run: a start line, `n` iterations, an evaluation every `every` (its metrics by `evaluation`), then `end` lines. */
export function runLines(
  n: number,
  every: number,
  end: Array<Record<string, unknown>> = [],
  evaluation: (i: number) => Record<string, number> = plainEvaluation,
): string {
  const lines: Array<Record<string, unknown>> = [{ type: 'start', backend: 'wasm', iterations: n, time: '2026-01-01T00:00:00.000Z' }];
  for (let i = 0; i < n; i++) {
    if ((i + 1) % every === 0) lines.push({ type: 'evaluation', iteration: i, method: 'exact', ...evaluation(i) });
    lines.push({ type: 'iteration', iteration: i, trajectories: 16 * (i + 1), loss: 10 / (i + 1), sampleMs: 1, updateMs: 1, elapsedMs: 100 * (i + 1) });
  }
  return [...lines, ...end].map((l) => `${JSON.stringify(l)}\n`).join('');
}

/**
 * JSON lines of a run with two actors and a reward service: `n` iterations whose `actors` field
 * (docs/actors.md) counts one batch per iteration at lags 0, 1, 2 in turn, and reward latencies.
 */
export function actorRunLines(n: number): string {
  const lines: Array<Record<string, unknown>> = [{ type: 'start', backend: 'wasm', iterations: n, time: '2026-01-01T00:00:00.000Z' }];
  const staleness = [0, 0, 0];
  for (let i = 1; i <= n; i++) {
    staleness[i % 3]! += 1;
    const actors = {
      trajectoriesPerSecond: [100 + i, 80 + i],
      staleness: [...staleness],
      droppedBatches: 0,
      droppedTrajectories: 0,
      acceptedTrajectories: 16 * i,
    };
    lines.push(actorIterationRecord(i, actors, { mean: 20, p95: 30 + (i % 5) }));
  }
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

/** Iteration `i`'s record of a run with actors (and, when given, a reward service's latency), as the trainer writes it. */
export function actorIterationRecord(i: number, actors: ActorStats, reward?: { mean: number; p95: number }): IterationRecord {
  return {
    type: 'iteration',
    iteration: i,
    trajectories: 16 * i,
    loss: 1 / i,
    sampleMs: 1,
    updateMs: 1,
    elapsedMs: 100 * i,
    actors,
    ...(reward ? { rewardLatencyMeanMs: reward.mean, rewardLatencyP95Ms: reward.p95 } : {}),
  };
}

/** Writes the view file of a two-objective Pareto scatter at `iteration` into a run folder: two front states (one drawn) and two other samples. */
export function writeParetoView(dir: string, iteration: number): void {
  const row = (state: number[], objectives: number[], exact: boolean, draws: number): ParetoRow => ({
    state,
    objectives,
    exact,
    sampled: exact && draws > 0,
    draws,
  });
  const view = paretoView(
    ['branin', 'currin'],
    [row([0, 5], [0.9, 0.4], true, 7), row([5, 0], [0.3, 0.95], true, 0)],
    [row([1, 1], [0.5, 0.3], false, 3), row([2, 2], [0.6, 0.2], false, 1)],
  );
  const file: ViewFile = { iteration, method: 'exact', view };
  mkdirSync(join(dir, VIEWS_DIR), { recursive: true });
  writeFileSync(join(dir, VIEWS_DIR, viewFileName(iteration)), JSON.stringify(file));
}

/**
 * A `gfn bench` output folder as the harness lays it out: bench.json, summary.md (one table per
 * environment, a row per objective, a plot), plots/, and runs/<env>-<objective>-s<seed>.
 */
export function writeBench(dir: string): void {
  mkdirSync(join(dir, 'plots'), { recursive: true });
  const bench = {
    name: 'tiny-bench',
    base: {},
    environments: [{ label: 'hg', env: { name: 'hypergrid' }, overrides: {} }],
    objectives: [
      { label: 'tb', overrides: {} },
      { label: 'db', overrides: {} },
    ],
    seeds: [0, 1],
    budget: { iterations: 10 },
    tvThresholds: [0.5],
  };
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(bench, null, 2));
  writeFileSync(
    join(dir, 'summary.md'),
    [
      '# Benchmark `tiny-bench`',
      '',
      'A description with <script>window.injected = true</script> markup and a [bad link](javascript:alert(1)).',
      '',
      '## hg',
      '',
      '| objective | seeds | TV | JSD | \\|log Ẑ − log Z\\| | it/s | TV ≤ 0.5 |',
      '|---|---|---|---|---|---|---|',
      '| tb | 2/2 | 0.1 ± 0.01 | 0.02 | 0.3 | 50.0 | 32 traj · 0.5 s |',
      '| db | 1/2 | 0.2 | 0.03 | 0.4 | 40.0 | — |',
      '',
      '![hg](plots/hg-iterations.svg)',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'plots', 'hg-iterations.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#4c78a8"/></svg>',
  );
  for (const run of ['hg-tb-s0', 'hg-tb-s1', 'hg-db-s0']) {
    writeRun(
      join(dir, 'runs', run),
      { name: run, env: { name: 'hypergrid' }, objective: { name: run.includes('tb') ? 'tb' : 'db' } },
      runLines(10, 5, [{ type: 'finished', iterations: 10, elapsedMs: 1000 }]),
    );
  }
}
