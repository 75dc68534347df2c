import type { Environment } from '../../core/env/environment.js';
import type { FileAccess } from '../../core/base/file-access.js';
import type { Contribution } from '../../core/plugin/plugin.js';
import type { GymEnvFactory } from '../../core/gym/gym-env.js';
import { cartPoleFactory } from '../../envs/cartpole.js';
import { HyperGrid, type HyperGridOptions } from '../../envs/hypergrid.js';
import { createDagTask, type DagTaskOptions } from '../../envs/dag/task.js';
import { BITSEQ_DEFAULTS, createBitSeq, type BitSeqOptions } from '../../envs/sequence/bitseq.js';
import { createQm9Str } from '../../envs/sequence/qm9str.js';
import { createSehStr } from '../../envs/sequence/sehstr.js';
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

/** Options of sehstr. */
interface SehStrTaskOptions {
  exponent: number;
  testPerSource: number;
}

/** sehstr, its shipped proxy read (and its 34M-entry prediction table cached) through `files`. */
export const sehstrContribution = (files: FileAccess): Contribution<Environment, SehStrTaskOptions> => ({
  name: 'sehstr',
  description: 'strings of 6 of 18 molecular building blocks inserted anywhere; R = max(sEH proxy, 1e-3)^exponent · 10 / max; 34,013 modes; evaluated by sampling',
  schema: {
    properties: {
      exponent: { type: 'number', exclusiveMinimum: 0, default: 6, description: 'reward exponent β (the papers use 6)' },
      testPerSource: { type: 'integer', minimum: 1, default: 128, description: 'test-set strings drawn from R/Z, and as many uniformly (log p̂ vs log R correlations)' },
    },
  },
  create: (options) => createSehStr({ exponent: options.exponent, testPerSource: options.testPerSource, files }),
});

export const bitseqContribution: Contribution<Environment, BitSeqOptions> = {
  name: 'bitseq',
  description: 'synthetic bit sequences built from k-bit words, inserted anywhere or appended; log R = −alpha · Hamming distance to the nearest mode',
  schema: {
    properties: {
      ndim: { type: 'integer', minimum: 1, default: BITSEQ_DEFAULTS.ndim, description: 'sequence length n in bits (exact evaluation enumerates (2^k+1)^(n/k) states; evaluation.mode auto switches to sampled above evaluation.exactMaxStates)' },
      alpha: { type: 'number', minimum: 0, default: BITSEQ_DEFAULTS.alpha, description: 'log-reward lost per bit of distance to the nearest mode (β/n for R = exp(−β·d/n))' },
      codebook: { enum: ['groups', 'words'], default: BITSEQ_DEFAULTS.codebook, description: 'groups: evenly spaced runs of integers (ndim ≤ 30); words: nModes concatenations of the 8-bit words 00000000, 11111111, 11110000, 00001111, 00111100 (Malkin et al. 2022)' },
      groups: { type: 'integer', minimum: 1, default: BITSEQ_DEFAULTS.groups, description: 'groups codebook: groups of consecutive mode integers' },
      modesPerGroup: { type: 'integer', minimum: 1, default: BITSEQ_DEFAULTS.modesPerGroup, description: 'groups codebook: modes per group (groups·modesPerGroup ≤ 2^ndim)' },
      nModes: { type: 'integer', minimum: 1, default: BITSEQ_DEFAULTS.nModes, description: 'words codebook: number of modes' },
      wordBits: { type: 'integer', minimum: 1, maximum: 16, default: BITSEQ_DEFAULTS.wordBits, description: 'bits per action k (nbase = 2^k); must divide ndim' },
      variant: { enum: ['insert', 'append'], default: BITSEQ_DEFAULTS.variant, description: 'insert: fill any empty position; append: left to right' },
      modeRadius: { type: 'number', minimum: 0, default: BITSEQ_DEFAULTS.modeRadius, description: 'a mode counts as found by a sample within this many bits δ (sampled evaluation)' },
      seed: { type: 'integer', minimum: 0, default: BITSEQ_DEFAULTS.seed, description: 'seed of the words codebook and of the test set' },
    },
  },
  validate: ({ ndim, codebook, groups, modesPerGroup, wordBits }) => [
    ...(ndim % wordBits !== 0 ? [{ field: 'wordBits', value: wordBits, reason: `must divide ndim = ${ndim}` }] : []),
    ...(codebook === 'groups' && groups * modesPerGroup > 2 ** ndim
      ? [{ field: 'modesPerGroup', value: modesPerGroup, reason: `groups·modesPerGroup = ${groups * modesPerGroup} modes do not fit the 2^ndim = ${2 ** ndim} sequences; lower groups or modesPerGroup, or raise ndim` }]
      : []),
  ],
  create: (options) => createBitSeq(options),
};

/** DAG structure learning; a CSV file of observations is read through `files`. */
export const dagContribution = (files: FileAccess): Contribution<Environment, DagTaskOptions> => ({
  name: 'dag',
  description: 'Bayesian-network structure learning: add edges to a DAG over d variables; log R = BGe(G | data) − BGe(empty graph); synthetic linear-Gaussian data from a seed, or a CSV file',
  schema: {
    properties: {
      d: { type: 'integer', minimum: 2, maximum: 30, default: 5, description: 'number of variables (exact evaluation only for d ≤ 5: 29,281 DAGs at d = 5; sampled evaluation reports expected SHD and edge AUROC against the generating graph)' },
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
