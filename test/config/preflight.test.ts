import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { TOKENS } from '../../core/di/tokens.js';
import { preflight } from '../../core/config/preflight.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import type { Environment } from '../../core/env/environment.js';
import { definePlugin, PluginRegistry } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import type { Engine } from '../../core/tensor/dense-chain.js';
import type { EstimatorFactory } from '../../core/tensor/estimator.js';
import { HyperGrid, type HyperGridOptions } from '../../envs/hypergrid.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { hypergridContribution } from '../../plugins/builtin/envs.js';
import { mlpContribution } from '../../plugins/builtin/estimators.js';

/** What the test plugin saw: environments built, estimator factories made. */
const built = { environments: 0, estimators: 0 };

const notInstalled: Engine = {
  name: 'test-gpu',
  description: 'an engine whose library is missing here',
  unavailable: () => 'its native library is not installed',
  load: () => {
    throw new Error('not loadable');
  },
};

/** A HyperGrid without a guide (every built-in GFlowNet environment has one). */
function unguidedGrid(options: HyperGridOptions): Environment {
  return Object.assign(Object.create(new HyperGrid(options)) as HyperGrid, { createGuide: undefined });
}

const probe = definePlugin({
  name: 'probe',
  envs: [
    {
      ...hypergridContribution,
      name: 'counted-grid',
      create: (options, resolve) => (built.environments++, hypergridContribution.create(options as HyperGridOptions, resolve)),
    },
    { ...hypergridContribution, name: 'unguided-grid', create: (options) => unguidedGrid(options as HyperGridOptions) },
    {
      name: 'needy',
      description: 'an environment that asks the container for the run seed',
      schema: { properties: {} },
      create: (_options, resolve) => new HyperGrid({ ndim: 2, height: 4 + (resolve.get(TOKENS.Rng) ? 0 : 1), R0: 0.1, R1: 0.5, R2: 2, rewardCos: false }),
    },
  ],
  estimators: [
    {
      ...mlpContribution,
      name: 'counted-mlp',
      create: (options, resolve): EstimatorFactory => (
        built.estimators++, mlpContribution.create(options as Parameters<typeof mlpContribution.create>[0], resolve)
      ),
    },
  ],
  engines: [notInstalled],
});
const registry = new PluginRegistry([builtinPlugin, probe]);

/** A small valid raw config, patched. */
function raw(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'preflight',
    iterations: 2,
    batchSize: 4,
    env: { name: 'counted-grid', ndim: 2, height: 8 },
    objective: { name: 'tb' },
    estimator: { name: 'counted-mlp', hidden: [8] },
    evaluation: { every: 1 },
    logging: { progress: 'none' },
    ...patch,
  };
}

/** The problems a rejected promise or call carried (fails unless it was a ConfigError). */
async function problemsOf(attempt: () => Promise<unknown>): Promise<readonly string[]> {
  try {
    await attempt();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('no ConfigError');
}

/**
 * Trains `config` unvalidated (as a program could hand `train` any object) and returns its
 * problems, checking that nothing ran: no estimator, no tensor, and the backend the config asks
 * for (`cpu`; the tests run on wasm) was never selected.
 */
async function trainProblems(config: Record<string, unknown>): Promise<readonly string[]> {
  const tensors = tf.memory().numTensors;
  const estimators = built.estimators;
  const found = await problemsOf(() => train({ ...config, backend: 'cpu' } as unknown as ResolvedConfig, registry, { subscribers: ['evaluator'] }));
  expect(tf.getBackend()).toBe('wasm');
  expect(tf.memory().numTensors).toBe(tensors);
  expect(built.estimators).toBe(estimators);
  return found;
}

describe('one preflight: every rule about a config, before any tensor work', () => {
  it('reports three independent mistakes of three former places in one ConfigError, from train, before the backend is chosen', async () => {
    const found = await trainProblems(
      raw({
        // was: the engine, chosen while the container was built
        engine: { name: 'test-gpu' },
        // was: evaluation's method, chosen when the subscribers attached
        evaluation: { mode: 'exact', exactMaxStates: 10 },
        // was: the trainer's problems(), at the start of the run
        objective: { name: 'rl', backward: 'uniform' },
        localSearch: { share: 0.5 },
      }),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^field "localSearch.share" = 0.5: objective 'rl' is on-policy and cannot train on locally searched trajectories .*valid choice: 0/,
      ),
      'field "engine.name" = "test-gpu": its native library is not installed; valid choices: "auto", "backend", "onnxruntime", "test-gpu"',
      'field "evaluation.mode" = "exact": environment \'hypergrid\' has 64 states, above evaluation.exactMaxStates = 10; use "sampled" (or "auto"), or raise evaluation.exactMaxStates',
    ]);
  });

  it("reports them with the schema problems and a plugin factory's option rule, all at once", () => {
    const attempt = (): unknown =>
      preflight(
        raw({ iterations: 0, engine: { name: 'test-gpu' }, objective: { name: 'rl', backward: 'guided', evaluator: 'subeb' }, replay: { kind: 'uniform' } }),
        registry,
      );
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems[0]).toMatch(/^field "iterations" = 0: must be >= 1/);
      expect(problems[1]).toMatch(
        /^field "objective.backward" = "guided": evaluator 'subeb' trains P_B on its own residuals .* \(objective 'rl' of plugin 'builtin'\)$/,
      );
      // the objective's options have their types: its traits are checked too
      expect(problems[2]).toMatch(/^field "replay.kind" = "uniform": objective 'rl' is on-policy/);
      expect(problems[3]).toMatch(/^field "engine.name" = "test-gpu"/);
    }
  });

  // each check that used to fire late, now in the preflight: train rejects before any work
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an unknown engine (was: while the container was built)',
      { engine: { name: 'gpu' } },
      /^field "engine.name" = "gpu": no plugin contributes this engine; valid choices: "auto", "backend", "onnxruntime", "test-gpu"$/,
    ],
    [
      'an engine that cannot run here (was: while the container was built, or when evaluation attached)',
      { engine: { name: 'test-gpu' } },
      /^field "engine.name" = "test-gpu": its native library is not installed/,
    ],
    [
      'exact evaluation above exactMaxStates (was: when evaluation attached)',
      { evaluation: { mode: 'exact', exactMaxStates: 63 } },
      /^field "evaluation.mode" = "exact": environment 'hypergrid' has 64 states, above evaluation.exactMaxStates = 63/,
    ],
    [
      'exact evaluation of a non-enumerable environment (was: when evaluation attached)',
      { env: { name: 'dag', d: 6 }, evaluation: { mode: 'exact' } },
      /^field "evaluation.mode" = "exact": environment 'dag' cannot be enumerated; valid choices: "auto", "sampled", "none"$/,
    ],
    [
      'an ε that never reaches epsilonFinal (was: the trainer)',
      { sampler: { epsilon: 0.1, epsilonFinal: 0 } },
      /^field "sampler.epsilonFinal" = 0: differs from sampler.epsilon/,
    ],
    [
      'local search into a missing replay buffer (was: the trainer)',
      { localSearch: { share: 0.5, into: 'replay' } },
      /^field "localSearch.into" = "replay": there is no replay buffer/,
    ],
    [
      'a replay buffer too small to start (was: the trainer)',
      { replay: { kind: 'uniform', capacity: 1 } },
      /^field "replay.capacity" = 1: smaller than the 2 trajectories replayed per batch/,
    ],
    [
      'an on-policy objective under exploration (was: the trainer)',
      { objective: { name: 'rl' }, sampler: { temperature: 2 } },
      /^field "sampler.temperature" = 2: objective 'rl' is on-policy/,
    ],
    [
      'an on-policy objective with replay (was: the trainer)',
      { objective: { name: 'reinforce' }, replay: { kind: 'uniform' } },
      /^field "replay.kind" = "uniform": objective 'reinforce' is on-policy/,
    ],
    [
      'an objective that keeps its own replay, with replay (was: the trainer)',
      { env: { name: 'dag', d: 3 }, objective: { name: 'mdb' }, replay: { kind: 'terminal' } },
      /^field "replay.kind" = "terminal": objective 'mdb' keeps its own replay buffer/,
    ],
    [
      'a GFlowNet objective on a classic environment (was: resolving the environment)',
      { env: { name: 'cartpole' } },
      /^field "objective.name" = "tb": objective 'tb' needs a GFlowNet environment, and 'cartpole' is a classic \(Gym\) one/,
    ],
    [
      'reward noise on a classic environment (was: while the container was built)',
      { env: { name: 'cartpole' }, objective: { name: 'ppo' }, rewardNoise: { scale: 0.1 } },
      /^field "rewardNoise" = .*: environment 'cartpole' is a classic \(Gym\) one/,
    ],
    [
      'a reward service for a classic environment',
      { env: { name: 'cartpole' }, objective: { name: 'ppo' }, reward: { url: 'http://127.0.0.1:4100/' } },
      /^field "reward" = .*: environment 'cartpole' is a classic \(Gym\) one with per-step rewards/,
    ],
    [
      'a reward service that is not an HTTP URL',
      { reward: { url: 'redis://127.0.0.1:6379' } },
      /^field "reward.url" = "redis:\/\/127.0.0.1:6379": protocol redis: \(valid: http:, https:\)$/,
    ],
    [
      'a reward service for an objective that collects its own experience',
      { objective: { name: 'ppo' }, reward: { url: 'http://127.0.0.1:4100/' } },
      /^field "objective.name" = "ppo": objective 'ppo' collects its own experience through the Gym view, which reads each reward synchronously, and the reward service of field "reward" is awaited/,
    ],
    [
      'a reward service for an objective that reads the rewards of states itself',
      { env: { name: 'dag', d: 3 }, objective: { name: 'mdb' }, reward: { url: 'http://127.0.0.1:4100/' } },
      /^field "objective.name" = "mdb": objective 'mdb' reads the reward of the states it trains on itself, synchronously/,
    ],
    [
      'a reward client without room for one call',
      { reward: { url: 'http://127.0.0.1:4100/', maxInFlight: 0 } },
      /^field "reward.maxInFlight" = 0: must be >= 1/,
    ],
    [
      'rl: Sub-EB with backward guided (was: both rl factories)',
      { objective: { name: 'rl', backward: 'guided', evaluator: 'subeb' } },
      /^field "objective.backward" = "guided": evaluator 'subeb'/,
    ],
    [
      'rl: Sub-EB with an entropy bonus (was: the rl class)',
      { objective: { name: 'rl', evaluator: 'subeb', entropyBonus: 0.1 } },
      /^field "objective.entropyBonus" = 0.1: evaluator 'subeb' has no entropy bonus yet; valid choice: 0/,
    ],
    [
      'rl: backward guided on an environment without a guide (was: the rl factory)',
      { env: { name: 'unguided-grid' }, objective: { name: 'rl', backward: 'guided' } },
      /^field "objective.backward" = "guided": needs a guide, and environment 'hypergrid' does not provide one; valid choices: "coupled", "uniform"/,
    ],
    [
      'the transformer on an environment without tokens (was: the estimator factory)',
      { estimator: { name: 'transformer' } },
      /^field "estimator.name" = "transformer": environment 'hypergrid' has no token layout/,
    ],
    [
      'sparseInput required on an environment without few-hot columns',
      { env: { name: 'dag', d: 3 }, estimator: { name: 'mlp', sparseInput: true } },
      /^field "estimator.sparseInput" = true: environment 'dag' does not offer its observations as few-hot columns \(no encodeColumns\); valid choices: "auto" \(dense rows here\), false \(estimator 'mlp' of plugin 'builtin'\)$/,
    ],
    [
      'an environment that cannot be built (was: while the container was built)',
      { env: { name: 'dag', d: 3, csv: 'no-such-file.csv' } },
      /^field "env.name" = "dag": the environment could not be built: /,
    ],
  ])('%s', async (_label, patch, message) => {
    const found = await trainProblems(raw(patch));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('leaves to the preflight only what needs the environment: resolveConfig checks the rest and builds nothing', () => {
    const environments = built.environments;
    expect(() => resolveConfig(raw({ engine: { name: 'test-gpu' } }), registry)).toThrow(/field "engine.name" = "test-gpu"/);
    expect(() => resolveConfig(raw({ objective: { name: 'rl' }, sampler: { epsilon: 0.2 } }), registry)).toThrow(/is on-policy/);
    // exact evaluation above the limit needs the state count: resolveConfig lets it through
    const config = resolveConfig(raw({ evaluation: { mode: 'exact', exactMaxStates: 10 } }), registry);
    expect(built.environments).toBe(environments);
    expect(() => preflight(config, registry)).toThrow(/above evaluation.exactMaxStates = 10/);
    expect(built.environments).toBe(environments + 1);
  });

  it('builds the environment once and hands it to the run', async () => {
    const environments = built.environments;
    const seen: Environment[] = [];
    await train(resolveConfig(raw(), registry), registry, { subscribers: [], beforeRun: (container) => void seen.push(container.get(TOKENS.Environment)) });
    expect(built.environments).toBe(environments + 1);
    // gfn train's way: the preflight's environment passed on, none built again
    const checked = preflight(raw(), registry);
    await train(checked.config, registry, {
      subscribers: [],
      environment: checked.environment,
      beforeRun: (container) => void seen.push(container.get(TOKENS.Environment)),
    });
    expect(built.environments).toBe(environments + 2);
    // the run sees the preflight's environment itself, through the view that names it in failures
    expect((seen[1] as Environment).s0).toBe((checked.environment as Environment).s0);
  });

  it('builds an environment from its options alone: one that asks the container for something is told why', () => {
    expect(() => preflight(raw({ env: { name: 'needy' } }), registry)).toThrow(
      /field "env.name" = "needy": the environment could not be built: environment 'needy' asked for Symbol\(gfn.Rng\); an environment is built by the preflight, before the run's container exists, from its options alone/,
    );
  });
});
