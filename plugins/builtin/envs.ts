import type { Environment } from '../../core/env/environment.js';
import type { FileAccess } from '../../core/io/file-access.js';
import type { Contribution } from '../../core/plugin.js';
import type { GymEnvFactory } from '../../core/gym/gym-env.js';
import { cartPoleFactory } from '../../envs/cartpole.js';
import { HyperGrid, type HyperGridOptions } from '../../envs/hypergrid.js';
import { createDagTask, type DagTaskOptions } from '../../envs/dag/task.js';
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

/** TFbind8, its shipped data read through `files`. */
export const tfbind8Contribution = (files: FileAccess): Contribution<Environment, SequenceTaskOptions> => ({
  name: 'tfbind8',
  description: 'DNA 8-mers (4 symbols) inserted anywhere; R = max(binding score, 1e-3)^exponent · 10 / max; 328 modes',
  schema: {
    properties: {
      exponent: { type: 'number', exclusiveMinimum: 0, default: 3, description: 'reward exponent β (the paper uses 3)' },
    },
  },
  create: (options) => createTfBind8({ exponent: options.exponent, files }),
});

/** qm9str, its shipped data read through `files`. */
export const qm9strContribution = (files: FileAccess): Contribution<Environment, SequenceTaskOptions> => ({
  name: 'qm9str',
  description: 'strings of 5 of 11 molecular building blocks inserted anywhere; R = max(proxy score, 1e-3)^exponent · 10 / max; top 0.5% are modes',
  schema: {
    properties: {
      exponent: { type: 'number', exclusiveMinimum: 0, default: 5, description: 'reward exponent β (the paper uses 5)' },
    },
  },
  create: (options) => createQm9Str({ exponent: options.exponent, files }),
});

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
  validate: ({ ndim, groups, modesPerGroup }) =>
    groups * modesPerGroup > 2 ** ndim
      ? [{ field: 'modesPerGroup', value: modesPerGroup, reason: `groups·modesPerGroup = ${groups * modesPerGroup} modes do not fit the 2^ndim = ${2 ** ndim} sequences; lower groups or modesPerGroup, or raise ndim` }]
      : [],
  create: (options) => createBitSeq({ ndim: options.ndim, alpha: options.alpha, groups: options.groups, modesPerGroup: options.modesPerGroup }),
};

/** DAG structure learning; a CSV file of observations is read through `files`. */
export const dagContribution = (files: FileAccess): Contribution<Environment, DagTaskOptions> => ({
  name: 'dag',
  description: 'Bayesian-network structure learning: add edges to a DAG over d variables; log R = BGe(G | data) − BGe(empty graph); synthetic linear-Gaussian data from a seed, or a CSV file',
  schema: {
    properties: {
      d: { type: 'integer', minimum: 2, maximum: 8, default: 5, description: 'number of variables (exact evaluation only for d ≤ 5: 29,281 DAGs at d = 5)' },
      seed: { type: 'integer', minimum: 0, default: 0, description: 'seed of the synthetic data: Erdős–Rényi graph with d edges expected, N(0,1) weights, samples' },
      samples: { type: 'integer', minimum: 1, default: 100, description: 'number of synthetic samples (unused with csv)' },
      noiseStd: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'noise standard deviation of the synthetic data (unused with csv)' },
      csv: { type: 'string', minLength: 1, description: 'CSV file of observations, one column per variable, header optional; replaces the synthetic data; its column count must equal d' },
      guideLogRewardThreshold: { type: 'number', default: 0, description: 'RL-G guide: exit logit capped at log 1e-5 in graphs whose log R is below this' },
    },
  },
  create: (options) => createDagTask(options, files),
});

/** CartPole, a classic (Gym) environment: only objectives that collect their own experience (ppo, reinforce) train on it. */
export const cartpoleContribution: Contribution<GymEnvFactory, { maxEpisodeSteps: number }> = {
  name: 'cartpole',
  description: 'classic-control CartPole (Gymnasium CartPole-v1 dynamics): reward 1 per step, truncated at maxEpisodeSteps; for ppo / reinforce',
  schema: {
    properties: {
      maxEpisodeSteps: { type: 'integer', minimum: 1, default: 500, description: 'episodes are truncated after this many steps (CartPole-v1: 500)' },
    },
  },
  create: (options) => cartPoleFactory({ maxEpisodeSteps: options.maxEpisodeSteps }),
};
