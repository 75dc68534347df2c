import { mkdirSync } from 'node:fs';
import { Subscription } from 'rxjs';
import { TOKENS } from '../../core/di/tokens.js';
import type { EvaluationEvent, IterationEvent, RunFinished, RunStarted, RunStopped } from '../../core/events/bus.js';
import { failureContext } from '../../core/events/failure.js';
import type { SubscriberContribution } from '../../core/plugin/plugin.js';
import { writeFileAtomic } from '../atomic-write.js';
import { CONFIG_FILE, METRICS_FILE } from '../layout.js';
import { configPath, runDirectory } from '../paths.js';
import { MetricsWriter } from '../metrics-writer.js';
import { Heartbeat } from './heartbeat.js';
import {
  errorRecord,
  type EvaluationRecord,
  type FinishedRecord,
  type IterationRecord,
  type ResumeRecord,
  type StartRecord,
  type StoppedRecord,
} from '../records.js';

/**
 * Writes the run folder's {@link CONFIG_FILE} (the resolved config, atomically) and appends one
 * record per iteration, evaluation and run end to its {@link METRICS_FILE} (see `records.ts`),
 * through the {@link MetricsWriter}. Iterations are numbered by updates made (iteration n = after n
 * updates; an evaluation at 0 is before any update). A run ends on a `finished` record, a `stopped`
 * one (interrupted, resumable) or an `error` one (the run's failure, with where and at which
 * iteration it happened). A resumed run (from a checkpoint at iteration k) appends:
 * it keeps the earlier records up to iteration k, drops any later ones (written after that
 * checkpoint by the interrupted process, which the resumed run repeats) and adds a `resume` record.
 * While the run lives it also appends `heartbeat` records (see {@link Heartbeat}).
 */
export const jsonlSubscriber: SubscriberContribution = {
  name: 'jsonl',
  description: `runs/<name>/${CONFIG_FILE} and runs/<name>/${METRICS_FILE}`,
  attach: (resolve) => {
    const config = resolve.get(TOKENS.Config);
    const bus = resolve.get(TOKENS.EventBus);
    const dir = runDirectory(config);
    const log = new MetricsWriter(dir);
    const heartbeat = new Heartbeat(log);
    const subs = new Subscription(() => heartbeat.stop());
    subs.add(
      bus.runStarted$.subscribe((e) => {
        mkdirSync(dir, { recursive: true });
        writeFileAtomic(configPath(dir), `${JSON.stringify(config, null, 2)}\n`);
        if (e.startIteration !== undefined && e.startIteration > 0) {
          log.keepUpTo(e.startIteration);
          log.append(resumeRecord(e, e.startIteration));
        } else {
          log.clear();
          log.append(startRecord(e));
        }
        heartbeat.start();
      }),
    );
    subs.add(bus.iteration$.subscribe((e) => heartbeat.append(iterationRecord(e))));
    subs.add(bus.evaluation$.subscribe((e) => heartbeat.append(evaluationRecord(e))));
    subs.add(
      bus.runFinished$.subscribe((e) => {
        heartbeat.stop();
        log.append(finishedRecord(e));
      }),
    );
    subs.add(
      bus.runStopped$.subscribe((e) => {
        heartbeat.stop();
        log.append(stoppedRecord(e));
      }),
    );
    subs.add(
      bus.error$.subscribe((err) => {
        heartbeat.stop();
        log.append(errorRecord(err.message, failureContext(err)));
      }),
    );
    return subs;
  },
};

// the records of the bus's events; the order of the fields is the order of the line on disk

function startRecord(e: RunStarted): StartRecord {
  return { type: 'start', backend: e.backend, kernels: e.kernels, iterations: e.iterations, time: new Date().toISOString() };
}

function resumeRecord(e: RunStarted, startIteration: number): ResumeRecord {
  return { type: 'resume', backend: e.backend, kernels: e.kernels, iterations: e.iterations, startIteration, time: new Date().toISOString() };
}

function iterationRecord(e: IterationEvent): IterationRecord {
  return {
    type: 'iteration',
    iteration: e.iteration,
    trajectories: e.trajectoriesSeen,
    ...(e.environmentSteps === undefined ? {} : { environmentSteps: e.environmentSteps }),
    ...e.metrics,
    ...(e.actors ? { actors: { ...e.actors, trajectoriesPerSecond: e.actors.trajectoriesPerSecond.map(round) } } : {}),
    sampleMs: round(e.timings.sampleMs),
    updateMs: round(e.timings.updateMs),
    elapsedMs: round(e.elapsedMs),
    evaluationMs: round(e.evaluationMs ?? 0),
  };
}

function evaluationRecord(e: EvaluationEvent): EvaluationRecord {
  return {
    type: 'evaluation',
    iteration: e.iteration,
    method: e.method,
    ...e.metrics,
    ...(e.durationMs === undefined ? {} : { durationMs: round(e.durationMs) }),
  };
}

function finishedRecord(e: RunFinished): FinishedRecord {
  return {
    type: 'finished',
    iterations: e.iterations,
    elapsedMs: round(e.elapsedMs),
    evaluationMs: round(e.evaluationMs ?? 0),
    trainingMs: round(e.elapsedMs - (e.evaluationMs ?? 0)),
  };
}

function stoppedRecord(e: RunStopped): StoppedRecord {
  const { type: _, iterations, ...times } = finishedRecord(e);
  return { type: 'stopped', iterations, reason: e.stopped, ...times };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
