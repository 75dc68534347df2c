import { mkdirSync } from 'node:fs';
import { filter, Subscription } from 'rxjs';
import { type RunServices, captureRunState } from '../../core/training/run-state.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Resolver, SubscriberContribution } from '../../core/plugin/plugin.js';
import type { AtomicWriteOps } from '../atomic-write.js';
import { writeCheckpoint } from '../checkpoint-file.js';
import { CHECKPOINT_FILE } from '../layout.js';
import { runDirectory } from '../paths.js';

/** Options of {@link createCheckpointSubscriber}. */
export interface CheckpointSubscriberOptions {
  /** Subscriber name (default `checkpoint`). */
  name?: string;
  /** File operations of the atomic write (tests inject failures here). */
  ops?: AtomicWriteOps;
}

/** The container services a checkpoint reads, from a resolver (a token that is not bound throws). */
function services(resolve: Resolver): RunServices {
  return {
    get: (token) => resolve.get(token),
    isBound: (token) => {
      try {
        resolve.get(token);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Writes the run folder's checkpoint file after every `checkpoint.every`-th iteration (0 = none),
 * when the run finishes, and when it is interrupted (a signal) after an update of its own, then
 * publishes `checkpoint$`. A run that fails (a NaN, an exception anywhere) gets no further
 * checkpoint: the last one written, from before the failure, stays as it is. Subscribed after the
 * evaluator, so a checkpoint taken at an iteration includes that iteration's evaluation draws. A
 * write that fails (disk full, a crash simulated in tests) fails the run, naming the folder: training
 * on without checkpoints would risk more work than the failure costs. The previous checkpoint stays
 * intact (atomic writes).
 */
export function createCheckpointSubscriber(options: CheckpointSubscriberOptions = {}): SubscriberContribution {
  return {
    name: options.name ?? 'checkpoint',
    description: `runs/<name>/${CHECKPOINT_FILE} every checkpoint.every iterations, at the end and when interrupted (resume with gfn train --resume)`,
    attach: (resolve) => {
      const config = resolve.get(TOKENS.Config);
      const bus = resolve.get(TOKENS.EventBus);
      const backend = resolve.get(TOKENS.BackendName);
      const dir = runDirectory(config);
      let lastWritten = -1;
      let startIteration = 0;
      const write = (): void => {
        const doc = captureRunState(services(resolve), backend);
        if (doc.iterations === lastWritten) return;
        mkdirSync(dir, { recursive: true });
        let path: string;
        try {
          path = writeCheckpoint(dir, doc, options.ops);
        } catch (err) {
          throw new Error(`checkpoint write to ${dir} failed: ${(err as Error).message}; the previous checkpoint is intact`, { cause: err });
        }
        lastWritten = doc.iterations;
        bus.checkpoint$.next({ iteration: doc.iterations, path });
      };
      const every = config.checkpoint.every;
      const subs = new Subscription();
      subs.add(bus.runStarted$.subscribe((e) => (startIteration = e.startIteration ?? 0)));
      subs.add(bus.iteration$.pipe(filter(({ iteration }) => every > 0 && iteration % every === 0)).subscribe(write));
      subs.add(bus.runFinished$.subscribe(write));
      // interrupted before its first update: the state on disk (a resumed run's checkpoint, or none) is already this one
      subs.add(bus.runStopped$.subscribe((e) => e.iterations > startIteration && write()));
      return subs;
    },
  };
}

/** The built-in checkpoint writer. */
export const checkpointSubscriber = createCheckpointSubscriber();
