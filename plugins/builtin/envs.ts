import type { Environment } from '../../core/env/environment.js';
import type { Contribution } from '../../core/plugin.js';
import { HyperGrid, type HyperGridOptions } from '../../envs/hypergrid.js';

export const hypergridContribution: Contribution<Environment, HyperGridOptions> = {
  name: 'hypergrid',
  description: 'ndim-dimensional grid of side height; reward R0 + R1·[outer region] + R2·[ring] (or cosine)',
  schema: {
    properties: {
      ndim: { type: 'integer', minimum: 1, default: 2, description: 'number of coordinates' },
      height: { type: 'integer', minimum: 2, default: 8, description: 'cells per coordinate' },
      R0: { type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'background reward' },
      R1: { type: 'number', minimum: 0, default: 0.5, description: 'reward of the outer region' },
      R2: { type: 'number', minimum: 0, default: 2, description: 'reward of the ring inside the outer region' },
      rewardCos: { type: 'boolean', default: false, description: 'use the cosine reward variant' },
    },
  },
  create: (options) => new HyperGrid(options),
};
