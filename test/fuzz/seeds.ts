import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRawConfig } from '../../plugins/node/config-file.js';

/** A shipped config: the valid starting point the fuzzer mutates. */
export interface SeedConfig {
  file: string;
  raw: Record<string, unknown>;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? jsonFiles(path) : path.endsWith('.json') ? [path] : [];
    });
}

/** Every config under `configs/` (sub-folders included), read as `gfn train` reads it. */
export const SEED_CONFIGS: readonly SeedConfig[] = jsonFiles('configs').map((file) => ({ file, raw: readRawConfig(file) }));

/**
 * The fuzz suite's fixed seed: CI runs the same cases every time. `GFN_FUZZ_SEED` and
 * `GFN_FUZZ_PATH` replay a failing case that fast-check reported (docs/testing.md).
 */
export const FUZZ_SEED = Number(process.env.GFN_FUZZ_SEED ?? 2028);

/** fast-check's options for the suite: the seed, the number of cases, and a replay path if given. */
export function fuzzOptions(numRuns: number): { seed: number; numRuns: number; path?: string } {
  const runs = Number(process.env.GFN_FUZZ_RUNS ?? numRuns);
  return { seed: FUZZ_SEED, numRuns: runs, ...(process.env.GFN_FUZZ_PATH ? { path: process.env.GFN_FUZZ_PATH } : {}) };
}
