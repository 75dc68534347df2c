import 'reflect-metadata';
import type { WorkerMessage, WorkerRequest } from '../harness/launcher.js';
import { trainingSecondsAt } from '../harness/run-log.js';
import { resolveConfig } from '../core/config/validate.js';
import { TOKENS } from '../core/di/tokens.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import { attachTimeBudget } from '../core/training/time-budget.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { readCheckpoint } from '../run-folder/checkpoint-file.js';
import { loadPlugins } from '../plugins/loader.js';
import { runDirectory } from '../run-folder/paths.js';

/** How often the worker tells the benchmark how far it is (milliseconds). */
const PROGRESS_EVERY_MS = 500;

const send = (m: WorkerMessage): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(m, undefined, {}, () => resolve());
  });

/**
 * One run of the worker process of `gfn bench` and `gfn worker` (reused for run after run): loads
 * the plugins the config lists (absolute paths), attaches every subscriber except the progress
 * display (the parent draws the overall progress), and the wall-time budget when there is one;
 * continues from the run folder's checkpoint when asked to, and tells the parent about each
 * checkpoint written (a queue worker ships it to where another worker can resume from it). The run's own
 * metrics log records a failure with its message.
 */
async function runOne(request: WorkerRequest): Promise<void> {
  try {
    const extra = await loadPlugins(request.config.plugins, process.cwd());
    const registry = new PluginRegistry([builtinPlugin, ...extra]);
    const config = resolveConfig(request.config, registry);
    // a run taken over from a worker that died continues from the checkpoint in its folder, with
    // what is left of a wall-time budget
    const resume = request.resume ? readCheckpoint(runDirectory(config)) : undefined;
    const spentMs = resume ? (trainingSecondsAt(runDirectory(config), resume.iterations) ?? 0) * 1000 : 0;
    let lastSent = 0;
    const { finished } = await train(config, registry, {
      ...(resume ? { resume } : {}),
      subscribers: [...registry.subscribers.keys()].filter((name) => name !== 'progress'),
      beforeRun: (container, bus) => {
        bus.iteration$.subscribe((e) => {
          if (e.elapsedMs - lastSent < PROGRESS_EVERY_MS) return;
          lastSent = e.elapsedMs;
          void send({ type: 'progress', iteration: e.iteration, elapsedMs: spentMs + e.elapsedMs });
        });
        bus.checkpoint$.subscribe(() => void send({ type: 'checkpoint' }));
        if (request.stopAfterSeconds !== undefined) {
          const trainer = container.get(TOKENS.Trainer);
          attachTimeBudget(bus, () => trainer.stop(), {
            seconds: Math.max(0, request.stopAfterSeconds - spentMs / 1000),
            atEvaluation: config.evaluation.every !== 0 && config.evaluation.mode !== 'none',
          });
        }
      },
    });
    await send({ type: 'done', iterations: finished.iterations, elapsedMs: finished.elapsedMs });
  } catch (err) {
    // the parent discards a worker whose run failed: whatever state the failure left dies with it
    await send({ type: 'error', message: (err as Error).message });
  }
}

// the benchmark was killed: a run nobody collects is wasted work
process.on('disconnect', () => process.exit(1));
// one run at a time: the parent sends the next only after this one reported
process.on('message', (request: WorkerRequest) => void runOne(request));
