import { type Dirent, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BoundedReader } from './bounded-read.js';
import { BENCH_FILE } from '../harness/bench-layout.js';
import { METRICS_FILE } from '../run-folder/layout.js';
import { type RunSummary, summarizeRun } from './run-summary.js';

/** A `gfn bench` output folder found under the root. */
export interface BenchEntry {
  /** Path relative to the root ('.' for the root itself). */
  id: string;
  name: string;
}

/** What the dashboard lists. */
export interface Listing {
  runs: RunSummary[];
  benches: BenchEntry[];
  /** True when the walk stopped at {@link MAX_RUNS}. */
  truncated: boolean;
}

/** Folder depth the walk descends to below the root (`bench/<name>/runs/<run>` is 3). */
export const MAX_DEPTH = 5;
export const MAX_RUNS = 5000;

/** Options of {@link scanRoot}. */
export interface ScanOptions {
  reader: BoundedReader;
  /** Now, ms since the epoch: a run whose last heartbeat is recent is running (see `runState`). */
  now: number;
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Lists the runs (folders holding a metrics log) and benchmarks (folders holding `bench.json`)
 * under `root`, newest change first. Symbolic links are not followed, hidden folders and
 * `node_modules` are skipped, and a run folder is not searched further.
 */
export function scanRoot(root: string, options: ScanOptions): Listing {
  const runs: RunSummary[] = [];
  const benches: BenchEntry[] = [];
  let truncated = false;
  const walk = (dir: string, rel: string, depth: number): void => {
    if (runs.length >= MAX_RUNS) {
      truncated = true;
      return;
    }
    const list = entries(dir);
    const files = new Set(list.filter((e) => e.isFile()).map((e) => e.name));
    if (files.has(METRICS_FILE)) {
      runs.push(summarizeRun(rel || '.', dir, options));
      return;
    }
    if (files.has(BENCH_FILE)) benches.push({ id: rel || '.', name: rel || basename(dir) });
    if (depth >= MAX_DEPTH) return;
    for (const e of list) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      walk(join(dir, e.name), rel === '' ? e.name : `${rel}/${e.name}`, depth + 1);
    }
  };
  walk(root, '', 0);
  runs.sort((a, b) => b.updatedMs - a.updatedMs || a.id.localeCompare(b.id));
  benches.sort((a, b) => a.id.localeCompare(b.id));
  return { runs, benches, truncated };
}
