/**
 * An external plugin: a new environment (`chain`) and a new objective (`vargrad`), loaded by a
 * config's `"plugins": ["./index.ts"]` with no change to gflownet-ts. See docs/plugins.md.
 */
import { type Environment, type Objective, TOKENS, UniformBackwardPolicy, definePlugin } from 'gflownet-ts';
import { ChainEnv, type ChainOptions } from './chain-env.js';
import { VarGrad } from './vargrad.js';

export default definePlugin({
  name: 'example-chain',
  envs: [
    {
      name: 'chain',
      description: 'walk right along a line and stop anywhere; R(k) = 0.1 + cos²(πk/period)',
      schema: {
        properties: {
          length: { type: 'integer', minimum: 2, default: 12, description: 'number of positions' },
          period: { type: 'number', exclusiveMinimum: 0, default: 4, description: 'period of the reward bumps' },
        },
      },
      create: (options: ChainOptions): Environment => new ChainEnv(options),
    },
  ],
  objectives: [
    {
      name: 'vargrad',
      description: 'log-variance (VarGrad) loss: TB with the batch-optimal log Z, uniform P_B',
      schema: {
        properties: {
          lr: { type: 'number', exclusiveMinimum: 0, default: 1e-3, description: 'learning rate of P_F' },
          logRewardClip: { type: 'number', default: -12, description: 'lower clip of log R' },
        },
      },
      create: (options: { lr: number; logRewardClip: number }, resolve): Objective => {
        const env = resolve.get(TOKENS.Environment);
        return new VarGrad(env, resolve.get(TOKENS.ForwardEstimator), new UniformBackwardPolicy(env), options);
      },
    },
  ],
});
