import type { ResolvedConfig } from '../config/schema.js';
import { EventBus } from '../events/bus.js';
import { gymEnvFactoryOf } from '../gym/gflownet-adapter.js';
import { checkedEnvironment } from '../env/checked-environment.js';
import type { Environment } from '../env/environment.js';
import { type GymEnvFactory, isGymEnvFactory } from '../gym/gym-env.js';
import { boxSize } from '../gym/spaces.js';
import type { PluginRegistry, SectionName } from '../plugin/plugin.js';
import { CheckpointRegistry } from '../checkpoint/registry.js';
import { Rng } from '../base/rng.js';
import { RewardNoise, type RewardNoiseConfig, withRewardNoise } from '../env/reward-noise.js';
import { withRemoteReward } from '../env/remote-reward.js';
import { withConditions } from '../env/condition/conditional-environment.js';
import type { ReplayBuffer } from '../sampling/replay.js';
import { Sampler } from '../sampling/sampler.js';
import { LocalSearch } from '../sampling/local-search.js';
import { localSearchOptions } from '../sampling/local-search-config.js';
import { TerminalBuffer } from '../sampling/terminal-buffer.js';
import { TrajectoryBuffer } from '../sampling/trajectory-buffer.js';
import { Trainer } from '../training/trainer.js';
import { actorPlan } from '../config/actor-plan.js';
import { actorSeed } from '../sampling/actor-link.js';
import { startEngines } from '../tensor/engines.js';
import { TOKENS } from '../di/tokens.js';
import { attributed, attributedObject } from '../events/failure.js';
import { resolverOf } from '../di/typed-container.js';
import { RunContainer } from './run-container.js';
import { freeingOnFailure } from './teardown.js';

/** Offset of the replay buffer's seed from the run seed (an arbitrary odd constant). */
const REPLAY_STREAM = 0x632be5ab;
/** Offset of the local search's seed from the run seed (an arbitrary odd constant). */
const LOCAL_SEARCH_STREAM = 0x1b873593;
/** Offset of the reward noise's seed from the run seed (an arbitrary odd constant). */
const REWARD_NOISE_STREAM = 0x27d4eb2f;
/** Offset of the sampling thread's seed from the run seed, `pipeline: true` (its one actor's: {@link actorSeed}). */
export { ACTOR_STREAM as PIPELINE_STREAM } from '../sampling/actor-link.js';

/**
 * Assembles the object graph of one run from a validated config: the only place where the
 * concrete classes chosen by the config meet. Everything is a singleton within the run.
 * The environment is the one the preflight built (`environment`), or is created here; the engines
 * start here; everything else is created when first resolved. The environment, the objective, the
 * sampler, the local search and the replay buffer are bound as views (`attributedObject`) that name
 * them in what they throw, so that a run's failure says where it happened. The container owns what it builds:
 * `dispose()` frees it (and a failure while assembling frees what was built so far).
 */
export function createRunContainer(
  config: ResolvedConfig,
  registry: PluginRegistry,
  backendName: string,
  environment?: Environment | GymEnvFactory,
): RunContainer {
  const container = new RunContainer({ defaultScope: 'Singleton' });
  freeingOnFailure(
    () => bindRun(container, config, registry, backendName, environment),
    () => container.dispose(),
  );
  return container;
}

/** The bindings of {@link createRunContainer}. */
function bindRun(
  container: RunContainer,
  config: ResolvedConfig,
  registry: PluginRegistry,
  backendName: string,
  environment: Environment | GymEnvFactory | undefined,
): void {
  const resolver = resolverOf(container);
  const contribution = <S extends SectionName>(section: S) => {
    const c = registry.section(section).get(config[section].name);
    if (!c) throw new Error(`no ${section} named '${config[section].name}' is registered (was the config validated?)`);
    return c;
  };
  const rng = new Rng(config.seed);

  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.BackendName).toConstantValue(backendName);
  container.bind(TOKENS.Rng).toConstantValue(rng);
  const kernels = startEngines(config.engine, [...registry.engines.values()]);
  container.bind(TOKENS.Kernels).toConstantValue(kernels);
  container.teardown.own('the native kernels', () => kernels.kernels?.dispose());
  container.bind(TOKENS.EventBus).toConstantValue(new EventBus());
  const checkpoints = new CheckpointRegistry();
  container.bind(TOKENS.Checkpoints).toConstantValue(checkpoints);
  container.bind(TOKENS.EstimatorFactory).toDynamicValue(() => contribution('estimator').create(config.estimator, resolver));
  // The environment is created now rather than on first use: its kind decides what else is bound.
  // A classic (Gym) environment gets no Environment, Sampler or replay buffer — only the objectives
  // that collect their own experience can train on it; a GFlowNet environment gets all of them plus
  // the Gym adapter, so that those objectives run on it too.
  const built = environment ?? contribution('env').create(config.env, resolver);
  // a plugin's broken output is reported as the plugin's, where it is consumed (once: the preflight's is already checked)
  // conditioned by the config's `condition` section (already, when the preflight built it)
  const created = isGymEnvFactory(built) ? built : withConditions(checkedEnvironment(built, registry.origin('environment', config.env.name)), config.condition);
  if (isGymEnvFactory(created)) {
    container.bind(TOKENS.GymEnvFactory).toConstantValue(created);
    const notGFlowNet = (): never => {
      throw new Error(
        `objective '${config.objective.name}' needs a GFlowNet environment, and '${config.env.name}' is a classic (Gym) one; use an objective that collects its own experience (ppo, reinforce)`,
      );
    };
    container.bind(TOKENS.Environment).toDynamicValue(notGFlowNet);
    container.bind(TOKENS.EvaluationEnvironment).toDynamicValue(notGFlowNet);
  } else {
    const env = attributedObject(created, registry.origin('environment', config.env.name));
    // training (sampler, replay, local search, objectives, the Gym view for ppo / reinforce) sees
    // the reward service's reward (`reward`) and the noise on it (`rewardNoise`); evaluation sees
    // the environment itself, so it never calls the service
    const remote = config.reward ? withRemoteReward(env, config.reward) : undefined;
    const rewarded = remote ?? env;
    const training = config.rewardNoise ? withRewardNoise(rewarded, rewardNoise(config.rewardNoise, config.seed, checkpoints)) : rewarded;
    // with actors (pipeline: true among them) the sampling threads call the service with clients of their own; this one stays idle
    if (remote && !actorPlan(config)) container.bind(TOKENS.RewardStats).toConstantValue(() => remote.rewardStats());
    container.bind(TOKENS.Environment).toConstantValue(training);
    container.bind(TOKENS.EvaluationEnvironment).toConstantValue(env);
    container.bind(TOKENS.GymEnvFactory).toConstantValue(gymEnvFactoryOf(training));
  }
  container
    .bind(TOKENS.ForwardEstimator)
    .toDynamicValue(() => {
      // the policy network of every objective; on a GFlowNet environment the adapter's spaces are
      // (obsDim, nActions), so this is the P_F the sampler and the exact evaluator use
      const gym = container.get(TOKENS.GymEnvFactory);
      return container.get(TOKENS.EstimatorFactory)({ role: 'forward', inputDim: boxSize(gym.observationSpace), outputDim: gym.actionSpace.n });
    })
    .onActivation(container.teardown.owns('the forward estimator'));
  if (!isGymEnvFactory(created)) bindSampling(container, config);
  const actors = actorPlan(config);
  if (actors) {
    container.bind(TOKENS.ActorLink).toDynamicValue(() => {
      const host = registry.trajectoryWorker;
      if (!host) throw new Error('actors: no loaded plugin samples in another thread (was the config validated?)');
      // each actor's own stream: its batches do not depend on how the learner draws its numbers
      const seeds = Array.from({ length: actors.count }, (_, i) => actorSeed(config.seed, i));
      const link = host.start({ config: config as unknown as Record<string, unknown>, backend: backendName, seeds, registry });
      container.teardown.own(actors.count > 1 ? 'the sampling workers' : 'the sampling worker', () => void link.close());
      return link;
    });
  }
  container
    .bind(TOKENS.Objective)
    .toDynamicValue(() => {
      // a failure names the part of the run it came from, and the plugin that contributed it
      const where = registry.origin('objective', config.objective.name);
      return attributedObject(
        attributed(where, () => contribution('objective').create(config.objective, resolver)),
        where,
      );
    })
    .onActivation(container.teardown.owns(`objective '${config.objective.name}'`));
  container.bind(TOKENS.Trainer).to(Trainer);
}

/** The run's reward noise, on a stream of its own, registered for checkpoints as `rewardNoise`. */
function rewardNoise(options: RewardNoiseConfig, seed: number, checkpoints: CheckpointRegistry): RewardNoise {
  const noise = new RewardNoise(options, new Rng(seed + REWARD_NOISE_STREAM));
  checkpoints.register('rewardNoise', noise);
  return noise;
}

/** The sampler and, when configured, the replay buffer, which feed the batch objectives (GFlowNet environments only). */
function bindSampling(container: RunContainer, config: ResolvedConfig): void {
  container.bind(TOKENS.Sampler).toDynamicValue(
    // the sampler draws from its own stream so that adding a network does not shift the samples
    () =>
      attributedObject(
        new Sampler(container.get(TOKENS.Environment), container.get(TOKENS.ForwardEstimator), new Rng(config.seed + 0x9e3779b9)),
        'the sampler',
      ),
  );
  if (config.localSearch.share > 0) {
    // its own stream: turning local search on leaves the fresh samples unchanged
    container
      .bind(TOKENS.LocalSearch)
      .toDynamicValue(() =>
        attributedObject(
          new LocalSearch(
            container.get(TOKENS.Environment),
            container.get(TOKENS.Sampler),
            new Rng(config.seed + LOCAL_SEARCH_STREAM),
            localSearchOptions(config.localSearch),
          ),
          'the local search',
        ),
      );
  }
  const { replay } = config;
  if (replay.kind !== 'none') {
    const replayBuffer = (): ReplayBuffer => {
      const env = container.get(TOKENS.Environment);
      // replay draws from a stream of its own: turning replay on leaves the sampler's stream (and
      // so the first, all-fresh batch) unchanged
      const rng = new Rng(config.seed + REPLAY_STREAM);
      if (replay.kind === 'terminal')
        return new TerminalBuffer(env, container.get(TOKENS.Sampler), { capacity: replay.capacity, draw: { kind: 'uniform' } }, rng);
      const draw = replay.kind === 'prioritized' ? { kind: 'prioritized' as const, exponent: replay.priorityExponent } : { kind: 'uniform' as const };
      return new TrajectoryBuffer({ capacity: replay.capacity, maxSteps: env.maxTrajectoryLength, stateDim: env.stateDim, draw }, rng);
    };
    container.bind(TOKENS.ReplayBuffer).toDynamicValue(() => attributedObject(replayBuffer(), `replay buffer '${replay.kind}'`));
  }
}
