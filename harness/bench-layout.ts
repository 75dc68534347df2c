/**
 * The layout of a `gfn bench` output folder, shared by the harness that writes it and the
 * dashboard that reads it: its validated config, its summary, and one run folder per grid point.
 */
export const BENCH_FILE = 'bench.json';
export const BENCH_SUMMARY_FILE = 'summary.md';
export const BENCH_RUNS_DIR = 'runs';

/** Run name (and run folder name under {@link BENCH_RUNS_DIR}) of a grid point. */
export function benchRunName(env: string, objective: string, seed: number): string {
  return `${env}-${objective}-s${seed}`;
}
