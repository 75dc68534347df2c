import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { applyOverrides } from '../core/config/overrides.js';
import type { ResolvedConfig } from '../core/config/schema.js';
import { resolveConfig } from '../core/config/validate.js';
import type { PluginRegistry } from '../core/plugin/plugin.js';
import { BENCH_RUNS_DIR, benchRunName } from './bench-layout.js';
import { type BenchConfig, BenchConfigError } from './config.js';

/**
 * Iterations given to a run whose budget is wall time: effectively unbounded, so that only the
 * time budget stops it.
 */
export const UNBOUNDED_ITERATIONS = 1_000_000_000;

/** One grid point before validation. */
export interface RawRun {
  /** Run name and folder name: `<env>-<objective>-s<seed>`. */
  id: string;
  env: string;
  objective: string;
  seed: number;
  raw: Record<string, unknown>;
  /** Wall-time budget of the run, when the bench budget is `seconds`. */
  stopAfterSeconds?: number;
}

/** One validated run of a benchmark. */
export interface RunSpec extends Omit<RawRun, 'raw'> {
  /** The run's output folder (`<out>/runs/<id>`), absolute. */
  dir: string;
  config: ResolvedConfig;
}

/** The base run config of a bench, and the folder its relative plugin paths are relative to. */
export interface BenchBase {
  config: Record<string, unknown>;
  dir: string;
}

/**
 * The bench's base run config: inline, or read from a path relative to the bench config's folder.
 * Relative plugin paths are made absolute so that worker processes load them from anywhere.
 */
export function loadBase(bench: BenchConfig, benchDir: string): BenchBase {
  let config: Record<string, unknown>;
  let dir = benchDir;
  if (typeof bench.base === 'string') {
    const path = resolve(benchDir, bench.base);
    try {
      config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new BenchConfigError([`field "base" = ${JSON.stringify(bench.base)}: cannot read the run config ${path}: ${(err as Error).message}`]);
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config))
      throw new BenchConfigError([`field "base" = ${JSON.stringify(bench.base)}: ${path} is not a JSON object`]);
    dir = dirname(path);
  } else {
    config = structuredClone(bench.base);
  }
  if (Array.isArray(config.plugins)) {
    config.plugins = config.plugins.map((p) => {
      const spec = String(p);
      // package names stay as they are; paths become absolute
      return spec.startsWith('.') || isAbsolute(spec) ? resolve(dir, spec) : spec;
    });
  }
  return { config, dir };
}

/** Iterations that spend a budget of `trajectories` at `batchSize` trajectories per iteration. */
export function iterationsForTrajectories(trajectories: number, batchSize: number): number {
  return Math.ceil(trajectories / batchSize);
}

/**
 * Expands environments x objectives x seeds into run configs, in that order. Each starts from the
 * base; the environment's section replaces `env`, the objective's replaces `objective`, then the
 * environment's and the objective's overrides apply; last the bench sets what it owns: `name`,
 * `seed`, the budget (`iterations`), `evaluation.every` when given, and the output folder.
 */
export function expandGrid(bench: BenchConfig, base: Record<string, unknown>, outDir: string): { runs: RawRun[]; problems: string[] } {
  const runs: RawRun[] = [];
  const problems: string[] = [];
  const runsDir = resolve(outDir, BENCH_RUNS_DIR);
  for (const env of bench.environments) {
    for (const objective of bench.objectives) {
      let cell: Record<string, unknown>;
      try {
        cell = { ...structuredClone(base), env: structuredClone(env.env) };
        if (objective.objective) cell.objective = structuredClone(objective.objective);
        cell = applyOverrides(cell, toSetArguments(env.overrides));
        cell = applyOverrides(cell, toSetArguments(objective.overrides));
      } catch (err) {
        problems.push(`${env.label}-${objective.label}: ${(err as Error).message}`);
        continue;
      }
      for (const seed of bench.seeds) {
        const id = benchRunName(env.label, objective.label, seed);
        const raw: Record<string, unknown> = { ...structuredClone(cell), name: id, seed };
        raw.logging = { ...asObject(raw.logging), dir: runsDir, progress: 'none' };
        if (bench.evaluation) raw.evaluation = { ...asObject(raw.evaluation), every: bench.evaluation.every };
        const budget = bench.budget;
        let stopAfterSeconds: number | undefined;
        if ('iterations' in budget) raw.iterations = budget.iterations;
        else if ('seconds' in budget) {
          raw.iterations = UNBOUNDED_ITERATIONS;
          stopAfterSeconds = budget.seconds;
        }
        // a trajectory budget needs the run's resolved batch size: set after validation
        runs.push({ id, env: env.label, objective: objective.label, seed, raw, ...(stopAfterSeconds !== undefined ? { stopAfterSeconds } : {}) });
      }
    }
  }
  return { runs, problems };
}

/**
 * Validates every run config of the grid (with the plugins the base loads) and fills in defaults.
 * A bad grid fails here, before any run starts, with each problem prefixed by the runs it concerns.
 */
export function validateGrid(
  bench: BenchConfig,
  runs: readonly RawRun[],
  registry: PluginRegistry,
  outDir: string,
  earlier: readonly string[] = [],
): RunSpec[] {
  const problems = new Map<string, Set<string>>();
  const add = (cell: string, p: string): void => {
    if (!problems.has(p)) problems.set(p, new Set());
    problems.get(p)!.add(cell);
  };
  const specs: RunSpec[] = [];
  for (const run of runs) {
    const cell = `${run.env}-${run.objective}`;
    let config: ResolvedConfig;
    try {
      config = resolveConfig(run.raw, registry);
    } catch (err) {
      const lines = 'problems' in (err as object) ? (err as { problems: string[] }).problems : [(err as Error).message];
      for (const line of lines) add(cell, line);
      continue;
    }
    if ('trajectories' in bench.budget) config.iterations = iterationsForTrajectories(bench.budget.trajectories, config.batchSize);
    if (run.stopAfterSeconds !== undefined && config.evaluation.every === 0) {
      add(
        cell,
        'field "evaluation.every" = 0: a seconds budget stops a run at its first evaluation after the deadline; set "evaluation": { "every": k } in the bench config',
      );
    }
    const { raw: _raw, ...rest } = run;
    specs.push({ ...rest, dir: join(resolve(outDir, BENCH_RUNS_DIR), run.id), config });
  }
  const lines = [...earlier, ...[...problems].map(([p, cells]) => `${[...cells].join(', ')}: ${p}`)];
  if (lines.length > 0) throw new BenchConfigError(lines);
  return specs;
}

/** Turns `{ "a.b": value }` into `--set` arguments (`a.b=<JSON>`); the JSON round-trips exactly. */
function toSetArguments(overrides: Record<string, unknown>): string[] {
  return Object.entries(overrides).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
