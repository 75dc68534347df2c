/**
 * The plugin: what it adds to gflownet-ts, with each contribution's options (a JSON schema: types,
 * bounds, defaults, descriptions — `npx gfn list --plugin dist/index.js` shows them) and the factory
 * that builds it for a run. A config selects them by name (`env.name`, `objective.name`).
 */
import { type Environment, type Objective, TOKENS, UniformBackwardPolicy, definePlugin } from 'gflownet-ts';
import { SubsetsEnv, type SubsetsOptions } from './subsets-env.js';
import { TrajectoryBalance, type TrajectoryBalanceOptions } from './tb-objective.js';

export default definePlugin({
  name: '__PLUGIN_NAME__',
  envs: [
    {
      name: 'subsets',
      description: 'subsets of k of n elements, built one element at a time; log R = Σ_{i ∈ x} i / n',
      schema: {
        properties: {
          n: { type: 'integer', minimum: 1, maximum: 16, default: 6, description: 'number of elements' },
          k: { type: 'integer', minimum: 1, default: 3, description: 'size of the subsets (k <= n)' },
        },
      },
      // rules across fields: reported like schema errors (field, value, reason, plugin), before any work
      validate: (options: SubsetsOptions) => (options.k <= options.n ? [] : [{ field: 'k', value: options.k, reason: `must be <= n = ${options.n}` }]),
      create: (options: SubsetsOptions): Environment => new SubsetsEnv(options),
    },
  ],
  objectives: [
    {
      name: 'my-tb',
      description: 'trajectory balance with a learned log Z and a uniform P_B',
      schema: {
        properties: {
          lr: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'learning rate of P_F' },
          lrZ: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'learning rate of log Z' },
          logRewardClip: { type: 'number', default: -12, description: 'lower clip of log R' },
        },
      },
      create: (options: TrajectoryBalanceOptions, resolve): Objective => {
        const env = resolve.get(TOKENS.Environment);
        return new TrajectoryBalance(env, resolve.get(TOKENS.ForwardEstimator), new UniformBackwardPolicy(env), options);
      },
    },
  ],
});
