import type { Subscription } from 'rxjs';
import { didYouMean } from '../base/suggest.js';
import { type CheckpointDocument, restoreRunState } from '../training/run-state.js';
import type { ResolvedConfig } from '../config/schema.js';
import { preflight } from '../config/preflight.js';
import type { Environment } from '../env/environment.js';
import type { GymEnvFactory } from '../gym/gym-env.js';
import { createRunContainer } from './container.js';
import { TOKENS } from '../di/tokens.js';
import { resolverOf } from '../di/typed-container.js';
import { attributed } from '../events/failure.js';
import type { RunContainer } from './run-container.js';
import { attempt, withTeardown } from './teardown.js';
import type { EventBus, RunFinished } from '../events/bus.js';
import type { PluginRegistry, Resolver } from '../plugin/plugin.js';
import type { Token } from '../base/token.js';
import { selectBackend } from '../tensor/backend.js';

/** Options of {@link train}. */
export interface TrainOptions {
  /** Names of the registered subscribers to attach (in the order they were registered); default: all of them. */
  subscribers?: readonly string[];
  /**
   * Called with the assembled container before training starts (extra subscriptions, tests); what it
   * subscribes on `bus` is guarded like a subscriber's (its exceptions fail the run, naming `beforeRun`).
   */
  beforeRun?: (container: RunContainer, bus: EventBus) => void;
  /**
   * Interrupts the run when it aborts: the trainer stops at the end of the current iteration, the
   * run ends on `runStopped$` (a checkpoint and a `stopped` record are written) and `train`
   * resolves with `finished.stopped` = the abort's reason (e.g. `SIGTERM`).
   */
  signal?: AbortSignal;
  /**
   * A checkpoint of a run of this same config to continue from: every state holder is restored
   * after the subscribers attach and the run starts at the checkpoint's iteration count.
   */
  resume?: CheckpointDocument;
  /** The environment an earlier `preflight` of this config built (saves building it again). */
  environment?: Environment | GymEnvFactory;
}

/** What a finished run returns. */
export interface TrainResult {
  backend: string;
  finished: RunFinished;
}

/**
 * Trains one run from a validated config: checks every rule about it first (`preflight`: one
 * `ConfigError` listing every problem, before any tensor work), then selects the tensor backend,
 * assembles the container, attaches the subscribers, runs the trainer, and frees every tensor of
 * the run at the end: only what the run built, last built first. A failed run rejects with the
 * error that ended it, also when freeing fails too (that failure is attached to it, see
 * `suppressedErrors`). One error path: an exception anywhere in the run — objective, environment,
 * sampler, a subscriber (each sees the bus through `EventBus.attributedTo`, under its name) — stops
 * it, is published on `error$` (the metrics log's `error` record) and is what this rejects with,
 * carrying where and at which iteration it happened (`failureContext`).
 */
export async function train(resolved: ResolvedConfig, registry: PluginRegistry, options: TrainOptions = {}): Promise<TrainResult> {
  // a wrong subscriber name is refused with the config's problems, before any tensor work
  const names = options.subscribers ?? [...registry.subscribers.keys()];
  for (const name of names) {
    if (registry.subscribers.has(name)) continue;
    const registered = [...registry.subscribers.keys()];
    throw new Error(`unknown subscriber '${name}'; registered: ${registered.join(', ')}${didYouMean(name, registered)}`);
  }
  const { config, environment } = preflight(resolved, registry, options.environment);
  const backend = await selectBackend(config.backend, registry.tensorHost);
  const container = createRunContainer(config, registry, backend, environment);
  const resolver = resolverOf(container);
  const bus = container.get(TOKENS.EventBus);
  const subscriptions: Subscription[] = [];
  const run = async (): Promise<TrainResult> => {
    // attached in the order of registration whatever the order of `names`: the order matters (the
    // log opens before the evaluation at iteration 0 is published on it)
    for (const [name, s] of registry.subscribers) {
      if (!names.includes(name)) continue;
      const where = registry.origin('subscriber', name);
      const sub = attributed(where, () => s.attach(seenBy(resolver, bus.attributedTo(where))));
      if (sub) subscriptions.push(sub);
    }
    attributed('beforeRun', () => options.beforeRun?.(container, bus.attributedTo('beforeRun')));
    if (options.resume) restoreRunState(container, options.resume);
    const trainer = container.get(TOKENS.Trainer);
    const { signal } = options;
    const interrupt = (): void => trainer.interrupt(abortReason(signal!));
    if (signal?.aborted) interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const finished = await trainer.run();
      return { backend, finished };
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
  };
  // the subscribers see the streams complete and let go before the container frees what it built
  const teardown = (): Error[] => [
    // failures while the run's own failure was being reported come first
    ...bus.laterFailures,
    ...attempt('the event bus', () => bus.complete()),
    ...subscriptions.flatMap((s) => attempt('a subscriber', () => s.unsubscribe())),
    ...container.dispose(),
  ];
  return withTeardown(run, teardown);
}

/** `resolver` with the run's bus replaced by `bus` (a subscriber's attributed view of it). */
function seenBy(resolver: Resolver, bus: EventBus): Resolver {
  return { get: <T>(token: Token<T>): T => (token === TOKENS.EventBus ? (bus as T) : resolver.get(token)) };
}

/** Why `signal` aborted, as text: its reason (`SIGTERM`, an Error's message), or `aborted`. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.name === 'AbortError' ? 'aborted' : reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}
