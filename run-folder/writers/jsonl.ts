import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subscription } from 'rxjs';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { EventBus } from '../../core/events/bus.js';
import type { SubscriberContribution } from '../../core/plugin/plugin.js';
import { writeFileAtomic } from '../atomic-write.js';

/** Folder of a run's outputs. */
export function runDirectory(config: ResolvedConfig): string {
  return join(config.logging.dir, config.name);
}

/**
 * Writes `<dir>/<name>/config.json` (the resolved config, atomically) and appends one JSON line per
 * iteration, evaluation and run end to `<dir>/<name>/metrics.jsonl`. Each line is one append of a
 * complete record, so a killed run leaves every finished line intact. Iterations are numbered by
 * updates made (iteration n = after n updates; an evaluation at 0 is before any update). A resumed
 * run (from a checkpoint at iteration k) appends: it keeps the earlier lines up to iteration k, drops any
 * later ones (written after that checkpoint by the interrupted process, which the resumed run
 * repeats) and adds a `resume` line.
 */
export const jsonlSubscriber: SubscriberContribution = {
  name: 'jsonl',
  description: 'runs/<name>/config.json and runs/<name>/metrics.jsonl',
  attach: (resolve) => {
    const config = resolve.get<ResolvedConfig>(TOKENS.Config);
    const bus = resolve.get<EventBus>(TOKENS.EventBus);
    const dir = runDirectory(config);
    const metricsPath = join(dir, 'metrics.jsonl');
    const line = (record: Record<string, unknown>): void => appendFileSync(metricsPath, `${JSON.stringify(record)}\n`);
    const subs = new Subscription();
    subs.add(
      bus.runStarted$.subscribe((e) => {
        mkdirSync(dir, { recursive: true });
        writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
        if (e.startIteration !== undefined && e.startIteration > 0) {
          keepUpTo(metricsPath, e.startIteration);
          line({ type: 'resume', backend: e.backend, kernels: e.kernels, iterations: e.iterations, startIteration: e.startIteration, time: new Date().toISOString() });
          return;
        }
        writeFileSync(metricsPath, '');
        line({ type: 'start', backend: e.backend, kernels: e.kernels, iterations: e.iterations, time: new Date().toISOString() });
      }),
    );
    subs.add(
      bus.iteration$.subscribe((e) =>
        line({ type: 'iteration', iteration: e.iteration, trajectories: e.trajectoriesSeen, ...(e.environmentSteps === undefined ? {} : { environmentSteps: e.environmentSteps }), ...e.metrics, sampleMs: round(e.timings.sampleMs), updateMs: round(e.timings.updateMs), elapsedMs: round(e.elapsedMs), evaluationMs: round(e.evaluationMs ?? 0) }),
      ),
    );
    subs.add(bus.evaluation$.subscribe((e) => line({ type: 'evaluation', iteration: e.iteration, method: e.method, ...e.metrics, ...(e.durationMs === undefined ? {} : { durationMs: round(e.durationMs) }) })));
    subs.add(bus.runFinished$.subscribe((e) => line({ type: 'finished', iterations: e.iterations, elapsedMs: round(e.elapsedMs), evaluationMs: round(e.evaluationMs ?? 0), trainingMs: round(e.elapsedMs - (e.evaluationMs ?? 0)) })));
    subs.add(bus.error$.subscribe((err) => line({ type: 'error', message: err.message })));
    return subs;
  },
};

/** Rewrites `path` without the iteration and evaluation records after iteration `start` (the checkpoint's). */
function keepUpTo(path: string, start: number): void {
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => {
      if (!l) return false;
      try {
        const r = JSON.parse(l) as { type?: string; iteration?: number };
        return !((r.type === 'iteration' || r.type === 'evaluation') && (r.iteration ?? -1) > start);
      } catch {
        return false; // a line cut short by the interruption
      }
    });
  writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
