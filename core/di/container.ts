import { Container } from 'inversify';
import type { ResolvedConfig } from '../config/schema.js';
import type { Environment } from '../env/environment.js';
import type { Estimator, EstimatorFactory } from '../estimator.js';
import { EventBus } from '../events/bus.js';
import type { PluginRegistry, Resolver, SectionName } from '../plugin.js';
import { Rng } from '../rng.js';
import type { ReplayBuffer } from '../sampling/replay.js';
import { Sampler } from '../sampling/sampler.js';
import { TerminalBuffer } from '../sampling/terminal-buffer.js';
import { TrajectoryBuffer } from '../sampling/trajectory-buffer.js';
import { Trainer } from '../training/trainer.js';
import { TOKENS } from './tokens.js';

/** Offset of the replay buffer's seed from the run seed (an arbitrary odd constant). */
const REPLAY_STREAM = 0x632be5ab;

/**
 * Assembles the object graph of one run from a validated config: the only place where the
 * concrete classes chosen by the config meet. Everything is a singleton within the run.
 */
export function createRunContainer(config: ResolvedConfig, registry: PluginRegistry, backendName: string): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  const resolver: Resolver = { get: <T>(token: symbol) => container.get<T>(token) };
  const contribution = (section: SectionName) => {
    const c = registry.section(section).get(config[section].name);
    if (!c) throw new Error(`no ${section} named '${config[section].name}' is registered (was the config validated?)`);
    return c;
  };
  const rng = new Rng(config.seed);

  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.BackendName).toConstantValue(backendName);
  container.bind(TOKENS.Rng).toConstantValue(rng);
  container.bind(TOKENS.EventBus).toConstantValue(new EventBus());
  container.bind(TOKENS.Environment).toDynamicValue(() => contribution('env').create(config.env, resolver) as Environment);
  container.bind(TOKENS.EstimatorFactory).toDynamicValue(() => contribution('estimator').create(config.estimator, resolver) as EstimatorFactory);
  container.bind(TOKENS.ForwardEstimator).toDynamicValue((ctx) => {
    const env = ctx.get<Environment>(TOKENS.Environment);
    return ctx.get<EstimatorFactory>(TOKENS.EstimatorFactory)({ role: 'forward', inputDim: env.obsDim, outputDim: env.nActions });
  });
  container.bind(TOKENS.Sampler).toDynamicValue(
    // the sampler draws from its own stream so that adding a network does not shift the samples
    (ctx) => new Sampler(ctx.get<Environment>(TOKENS.Environment), ctx.get<Estimator>(TOKENS.ForwardEstimator), new Rng(config.seed + 0x9e3779b9)),
  );
  const { replay } = config;
  if (replay.kind !== 'none') {
    container.bind(TOKENS.ReplayBuffer).toDynamicValue((ctx): ReplayBuffer => {
      const env = ctx.get<Environment>(TOKENS.Environment);
      // replay draws from a stream of its own: turning replay on leaves the sampler's stream (and
      // so the first, all-fresh batch) unchanged
      const rng = new Rng(config.seed + REPLAY_STREAM);
      if (replay.kind === 'terminal') return new TerminalBuffer(env, ctx.get<Sampler>(TOKENS.Sampler), { capacity: replay.capacity, draw: { kind: 'uniform' } }, rng);
      const draw = replay.kind === 'prioritized' ? { kind: 'prioritized' as const, exponent: replay.priorityExponent } : { kind: 'uniform' as const };
      return new TrajectoryBuffer({ capacity: replay.capacity, maxSteps: env.maxTrajectoryLength, stateDim: env.stateDim, draw }, rng);
    });
  }
  container.bind(TOKENS.Objective).toDynamicValue(() => contribution('objective').create(config.objective, resolver));
  container.bind(TOKENS.Trainer).to(Trainer);
  return container;
}
