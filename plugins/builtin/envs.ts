import type { Environment } from '../../core/env/environment.js';
import type { Contribution } from '../../core/plugin.js';
import { HyperGrid, type HyperGridOptions } from '../../envs/hypergrid.js';
import { BITSEQ_DEFAULTS, createBitSeq, type BitSeqOptions } from '../../envs/sequence/bitseq.js';
import { createQm9Str } from '../../envs/sequence/qm9str.js';
import { createTfBind8 } from '../../envs/sequence/tfbind8.js';

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

/** Options of the data-backed sequence tasks: only the reward exponent β. */
interface SequenceTaskOptions {
  exponent: number;
}

export const tfbind8Contribution: Contribution<Environment, SequenceTaskOptions> = {
  name: 'tfbind8',
  description: 'DNA 8-mers (4 symbols) inserted anywhere; R = max(binding score, 1e-3)^exponent · 10 / max; 328 modes',
  schema: {
    properties: {
      exponent: { type: 'number', exclusiveMinimum: 0, default: 3, description: 'reward exponent β (the paper uses 3)' },
    },
  },
  create: (options) => createTfBind8({ exponent: options.exponent }),
};

export const qm9strContribution: Contribution<Environment, SequenceTaskOptions> = {
  name: 'qm9str',
  description: 'strings of 5 of 11 molecular building blocks inserted anywhere; R = max(proxy score, 1e-3)^exponent · 10 / max; top 0.5% are modes',
  schema: {
    properties: {
      exponent: { type: 'number', exclusiveMinimum: 0, default: 5, description: 'reward exponent β (the paper uses 5)' },
    },
  },
  create: (options) => createQm9Str({ exponent: options.exponent }),
};

export const bitseqContribution: Contribution<Environment, BitSeqOptions> = {
  name: 'bitseq',
  description: 'synthetic bit sequences inserted anywhere; log R = −alpha · Hamming distance to the nearest codebook mode',
  schema: {
    properties: {
      ndim: { type: 'integer', minimum: 1, maximum: 12, default: BITSEQ_DEFAULTS.ndim, description: 'sequence length in bits (exact evaluation enumerates 3^ndim states)' },
      alpha: { type: 'number', minimum: 0, default: BITSEQ_DEFAULTS.alpha, description: 'log-reward lost per bit of distance to the nearest mode' },
      groups: { type: 'integer', minimum: 1, default: BITSEQ_DEFAULTS.groups, description: 'groups of consecutive mode integers in the codebook' },
      modesPerGroup: { type: 'integer', minimum: 1, default: BITSEQ_DEFAULTS.modesPerGroup, description: 'modes per group (groups·modesPerGroup ≤ 2^ndim)' },
    },
  },
  create: (options) => createBitSeq({ ndim: options.ndim, alpha: options.alpha, groups: options.groups, modesPerGroup: options.modesPerGroup }),
};
