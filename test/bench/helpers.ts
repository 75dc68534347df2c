import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchProgress, BenchReporter } from '../../harness/harness.js';
import type { RunLog } from '../../harness/run-log.js';
import type { RunResult } from '../../harness/statistics.js';

/** Writes a bench config as JSON into `dir`; returns its path. */
export function writeJson(dir: string, file: string, value: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** A reporter that keeps every line and progress state. */
export function recordingReporter(): BenchReporter & { lines: string[]; states: BenchProgress[] } {
  const lines: string[] = [];
  const states: BenchProgress[] = [];
  return { lines, states, line: (t) => void lines.push(t), progress: (s) => void states.push(s), close: () => {} };
}

/** One evaluation point of a synthetic log: iterations done, trajectories, seconds, metrics. */
export interface FakePoint {
  iterations: number;
  trajectories: number;
  seconds: number;
  tv: number;
  jsd?: number;
  logZError?: number;
}

/**
 * The lines of a `metrics.jsonl` as the trainer's JSONL logger writes them: start, iteration lines
 * (only at the evaluation points, which is all the benchmark reads), the evaluation line before its
 * iteration line (the evaluator publishes first), and `finished` or `error` at the end.
 */
export function fakeMetricsJsonl(points: readonly FakePoint[], end: { finished: { iterations: number; seconds: number } } | { error: string } | 'cut'): string {
  const lines: unknown[] = [{ type: 'start', backend: 'wasm', iterations: 100, time: '2020-01-01T00:00:00.000Z' }];
  for (const p of points) {
    const metrics: Record<string, number> = {
      tv: p.tv,
      ...(p.jsd !== undefined ? { jsd: p.jsd } : {}),
      ...(p.logZError !== undefined ? { logZError: p.logZError } : {}),
    };
    lines.push({ type: 'evaluation', iteration: p.iterations - 1, method: 'exact', ...metrics });
    lines.push({
      type: 'iteration',
      iteration: p.iterations - 1,
      trajectories: p.trajectories,
      loss: 1,
      sampleMs: 1,
      updateMs: 1,
      elapsedMs: p.seconds * 1000,
    });
  }
  if (end !== 'cut')
    lines.push(
      'finished' in end
        ? { type: 'finished', iterations: end.finished.iterations, elapsedMs: end.finished.seconds * 1000 }
        : { type: 'error', message: end.error },
    );
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

/** A run result built in memory (no files). */
export function fakeResult(env: string, objective: string, seed: number, log: Partial<RunLog> & Pick<RunLog, 'state'>): RunResult {
  return { id: `${env}-${objective}-s${seed}`, env, objective, seed, log: { points: [], ...log } };
}
