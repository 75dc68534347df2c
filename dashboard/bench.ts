import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BoundedReader } from './bounded-read.js';
import { BENCH_FILE, BENCH_RUNS_DIR, BENCH_SUMMARY_FILE, benchRunName } from '../harness/bench-layout.js';

/** A benchmark folder as the dashboard shows it. */
export interface BenchDetails {
  id: string;
  name: string;
  description?: string;
  /** `summary.md` as written by `gfn bench` (absent until the benchmark wrote it). */
  summary?: string;
  /** Per environment label, per objective label: the run ids (relative to the root) that exist. */
  runs: Record<string, Record<string, string[]>>;
}

const MAX_BENCH_FILE_BYTES = 1024 * 1024;

function labels(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((e) => (typeof e === 'object' && e !== null ? ((e as { label?: unknown; name?: unknown }).label ?? (e as { name?: unknown }).name) : undefined))
    .filter((l): l is string => typeof l === 'string');
}

/**
 * Reads the benchmark in folder `dir` (id `id` under the root): its config, summary and the run
 * folders of its grid (`runs/<env>-<objective>-s<seed>`). Undefined when `bench.json` is unreadable.
 */
export function benchDetails(id: string, dir: string, reader: BoundedReader): BenchDetails | undefined {
  const raw = reader.head(join(dir, BENCH_FILE), MAX_BENCH_FILE_BYTES);
  if (!raw) return undefined;
  let bench: Record<string, unknown>;
  try {
    bench = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const seeds = Array.isArray(bench.seeds) ? bench.seeds.filter((s): s is number => typeof s === 'number') : [];
  const runs: BenchDetails['runs'] = {};
  for (const env of labels(bench.environments)) {
    runs[env] = {};
    for (const objective of labels(bench.objectives)) {
      const names = seeds.map((s) => benchRunName(env, objective, s)).filter((n) => existsSync(join(dir, BENCH_RUNS_DIR, n)));
      runs[env][objective] = names.map((n) => [id, BENCH_RUNS_DIR, n].filter((p) => p !== '' && p !== '.').join('/'));
    }
  }
  const summary = reader.head(join(dir, BENCH_SUMMARY_FILE), MAX_BENCH_FILE_BYTES)?.toString('utf8');
  return {
    id,
    name: typeof bench.name === 'string' ? bench.name : id,
    ...(typeof bench.description === 'string' ? { description: bench.description } : {}),
    ...(summary !== undefined ? { summary } : {}),
    runs,
  };
}
