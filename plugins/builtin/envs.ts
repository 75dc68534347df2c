import { Type } from 'typebox';
import type { FileAccess } from '../../core/base/file-access.js';
import type { Environment } from '../../core/env/environment.js';
import { Defaulted } from '../../core/base/typed-schema.js';
import { defineContribution } from '../../core/plugin/define-contribution.js';
import { cartPoleFactory } from '../../envs/cartpole.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { MultiObjectiveHyperGrid } from '../../envs/multi-objective-hypergrid.js';
import { TEST_FUNCTIONS } from '../../envs/test-functions.js';
import { createDagTask } from '../../envs/dag/task.js';
import { BITSEQ_DEFAULTS, bitSeqMemoryBytes, createBitSeq } from '../../envs/sequence/bitseq.js';
import { createQm9Str } from '../../envs/sequence/qm9str.js';
import { createSehStr } from '../../envs/sequence/sehstr.js';
import { createTfBind8 } from '../../envs/sequence/tfbind8.js';
import { dnaObjectiveProblem } from '../../envs/sequence/dna-objectives.js';
import { createMultiObjectiveTfBind8 } from '../../envs/sequence/multi-objective-sequence.js';

export const hypergridContribution = defineContribution({
  name: 'hypergrid',
  description: 'ndim-dimensional grid of side height; reward R0 + R1·[outer region] + R2·[ring] (or cosine)',
  schema: Type.Object({
    ndim: Defaulted(Type.Integer({ minimum: 1, description: 'number of coordinates' }), 2),
    height: Defaulted(Type.Integer({ minimum: 2, description: 'cells per coordinate' }), 8),
    R0: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'background reward' }), 0.01),
    R1: Defaulted(Type.Number({ minimum: 0, description: 'reward of the outer region' }), 0.5),
    R2: Defaulted(Type.Number({ minimum: 0, description: 'reward of the ring inside the outer region' }), 2),
    rewardCos: Defaulted(Type.Boolean({ description: 'use the cosine reward variant' }), false),
    objectives: Type.Optional(
      Type.Array(Type.Enum(TEST_FUNCTIONS, { description: 'a test function of the multi-objective literature' }), {
        minItems: 1,
        description:
          'multi-objective HyperGrid (ndim 2): one reward per named test function on u = s/(H−1) ∈ [0,1]² (docs/conditional.md); R0, R1, R2, rewardCos are then unused',
      }),
    ),
  }),
  validate: ({ ndim, objectives }) => [
    ...(objectives && ndim !== 2 ? [{ field: 'ndim', value: ndim, reason: 'must be 2 with objectives (the test functions are functions of the plane)' }] : []),
    ...(objectives ?? [])
      .map((name, i) => ({ name, i }))
      .filter(({ name, i }) => objectives!.indexOf(name) !== i)
      .map(({ name, i }) => ({ field: `objectives.${i}`, value: name, reason: `repeats an earlier objective; each of ${TEST_FUNCTIONS.join(', ')} once` })),
  ],
  create: (options) => (options.objectives ? new MultiObjectiveHyperGrid(options.height, options.objectives) : new HyperGrid(options)),
});

/**
 * A data-backed sequence task whose one option is the reward exponent β (default: the paper's),
 * its shipped data read through `files`.
 */
const sequenceTask =
  (name: string, description: string, paperExponent: number, create: (options: { exponent: number; files: FileAccess }) => Environment) =>
  (files: FileAccess) =>
    defineContribution({
      name,
      description,
      schema: Type.Object({
        exponent: Defaulted(Type.Number({ exclusiveMinimum: 0, description: `reward exponent β (the paper uses ${paperExponent})` }), paperExponent),
      }),
      create: (options) => create({ exponent: options.exponent, files }),
    });

/** TFbind8, with K objectives (binding, n-gram counts) for preference-conditional runs when `objectives` is set. */
export const tfbind8Contribution = (files: FileAccess) =>
  defineContribution({
    name: 'tfbind8',
    description: 'DNA 8-mers (4 symbols) inserted anywhere; R = max(binding score, 1e-3)^exponent · 10 / max; 328 modes',
    schema: Type.Object({
      exponent: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'reward exponent β (the paper uses 3)' }), 3),
      objectives: Type.Optional(
        Type.Array(Type.String({ description: 'binding, or ngram:<motif> (e.g. ngram:GC): the occurrences of a DNA motif' }), {
          minItems: 1,
          description:
            'multi-objective TFbind8: one reward in (0, 1] per named objective (docs/conditional.md); its own reward is their geometric mean, exponent is then unused',
        }),
      ),
    }),
    validate: ({ objectives }) =>
      (objectives ?? []).flatMap((name, i) => {
        const problem = dnaObjectiveProblem(name, 8);
        if (problem) return [{ field: `objectives.${i}`, value: name, reason: problem }];
        return objectives!.indexOf(name) !== i ? [{ field: `objectives.${i}`, value: name, reason: 'repeats an earlier objective; each once' }] : [];
      }),
    create: (options) =>
      options.objectives ? createMultiObjectiveTfBind8({ objectives: options.objectives, files }) : createTfBind8({ exponent: options.exponent, files }),
  });

/** qm9str. */
export const qm9strContribution = sequenceTask(
  'qm9str',
  'strings of 5 of 11 molecular building blocks inserted anywhere; R = max(proxy score, 1e-3)^exponent · 10 / max; top 0.5% are modes',
  5,
  createQm9Str,
);

/** sehstr, its shipped proxy read (and its 34M-entry prediction table cached) through `files`. */
export const sehstrContribution = (files: FileAccess) =>
  defineContribution({
    name: 'sehstr',
    description:
      'strings of 6 of 18 molecular building blocks inserted anywhere; R = max(sEH proxy, 1e-3)^exponent · 10 / max; 34,013 modes; evaluated by sampling',
    schema: Type.Object({
      exponent: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'reward exponent β (the papers use 6)' }), 6),
      testPerSource: Defaulted(
        Type.Integer({ minimum: 1, description: 'test-set strings drawn from R/Z, and as many uniformly (log p̂ vs log R correlations)' }),
        128,
      ),
    }),
    create: (options) => createSehStr({ exponent: options.exponent, testPerSource: options.testPerSource, files }),
  });

export const bitseqContribution = defineContribution({
  name: 'bitseq',
  description: 'synthetic bit sequences built from k-bit words, inserted anywhere or appended; log R = −alpha · Hamming distance to the nearest mode',
  schema: Type.Object({
    ndim: Defaulted(
      Type.Integer({
        minimum: 1,
        description:
          'sequence length n in bits (exact evaluation enumerates (2^k+1)^(n/k) states; evaluation.mode auto switches to sampled above evaluation.exactMaxStates)',
      }),
      BITSEQ_DEFAULTS.ndim,
    ),
    alpha: Defaulted(
      Type.Number({ minimum: 0, description: 'log-reward lost per bit of distance to the nearest mode (β/n for R = exp(−β·d/n))' }),
      BITSEQ_DEFAULTS.alpha,
    ),
    codebook: Defaulted(
      Type.Enum(['groups', 'words'], {
        description:
          'groups: evenly spaced runs of integers (ndim ≤ 30); words: nModes concatenations of the 8-bit words 00000000, 11111111, 11110000, 00001111, 00111100 (Malkin et al. 2022)',
      }),
      BITSEQ_DEFAULTS.codebook,
    ),
    groups: Defaulted(Type.Integer({ minimum: 1, description: 'groups codebook: groups of consecutive mode integers' }), BITSEQ_DEFAULTS.groups),
    modesPerGroup: Defaulted(
      Type.Integer({ minimum: 1, description: 'groups codebook: modes per group (groups·modesPerGroup ≤ 2^ndim)' }),
      BITSEQ_DEFAULTS.modesPerGroup,
    ),
    nModes: Defaulted(Type.Integer({ minimum: 1, description: 'words codebook: number of modes' }), BITSEQ_DEFAULTS.nModes),
    wordBits: Defaulted(Type.Integer({ minimum: 1, maximum: 16, description: 'bits per action k (nbase = 2^k); must divide ndim' }), BITSEQ_DEFAULTS.wordBits),
    variant: Defaulted(Type.Enum(['insert', 'append'], { description: 'insert: fill any empty position; append: left to right' }), BITSEQ_DEFAULTS.variant),
    modeRadius: Defaulted(
      Type.Number({ minimum: 0, description: 'a mode counts as found by a sample within this many bits δ (sampled evaluation)' }),
      BITSEQ_DEFAULTS.modeRadius,
    ),
    seed: Defaulted(Type.Integer({ minimum: 0, description: 'seed of the words codebook and of the test set' }), BITSEQ_DEFAULTS.seed),
  }),
  validate: ({ ndim, codebook, groups, modesPerGroup, wordBits }) => [
    ...(ndim % wordBits !== 0 ? [{ field: 'wordBits', value: wordBits, reason: `must divide ndim = ${ndim}` }] : []),
    ...(codebook === 'groups' && groups * modesPerGroup > 2 ** ndim
      ? [
          {
            field: 'modesPerGroup',
            value: modesPerGroup,
            reason: `groups·modesPerGroup = ${groups * modesPerGroup} modes do not fit the 2^ndim = ${2 ** ndim} sequences; lower groups or modesPerGroup, or raise ndim`,
          },
        ]
      : []),
  ],
  memory: (options) => {
    const { modes, testSet } = bitSeqMemoryBytes(options);
    const count = options.codebook === 'words' ? options.nModes : options.groups * options.modesPerGroup;
    const rows = `${count.toLocaleString('en-US')} modes of ${options.ndim.toLocaleString('en-US')} bits`;
    return [
      { field: options.nModes > options.ndim ? 'nModes' : 'ndim', holds: `the ${rows}`, bytes: modes, remedy: 'lower ndim or nModes' },
      {
        field: 'ndim',
        holds: `the test set of the ${rows} (each with c = 0 … n−1 bits flipped: quadratic in ndim)`,
        bytes: testSet,
        remedy: 'lower ndim or nModes',
      },
    ];
  },
  create: (options) => createBitSeq(options),
});

/** DAG structure learning; a CSV file of observations is read through `files`. */
export const dagContribution = (files: FileAccess) =>
  defineContribution({
    name: 'dag',
    description:
      'Bayesian-network structure learning: add edges to a DAG over d variables; log R = BGe(G | data) − BGe(empty graph); synthetic linear-Gaussian data from a seed, or a CSV file',
    schema: Type.Object({
      d: Defaulted(
        Type.Integer({
          minimum: 2,
          maximum: 30,
          description:
            'number of variables (exact evaluation only for d ≤ 5: 29,281 DAGs at d = 5; sampled evaluation reports expected SHD and edge AUROC against the generating graph)',
        }),
        5,
      ),
      seed: Defaulted(
        Type.Integer({ minimum: 0, description: 'seed of the synthetic data: Erdős–Rényi graph with d edges expected, N(0,1) weights, samples' }),
        0,
      ),
      samples: Defaulted(Type.Integer({ minimum: 1, description: 'number of synthetic samples (unused with csv)' }), 100),
      noiseStd: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'noise standard deviation of the synthetic data (unused with csv)' }), 0.1),
      csv: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'CSV file of observations, one column per variable, header optional; replaces the synthetic data; its column count must equal d',
        }),
      ),
      guideLogRewardThreshold: Defaulted(Type.Number({ description: 'RL-G guide: exit logit capped at log 1e-5 in graphs whose log R is below this' }), 0),
    }),
    create: (options) => createDagTask(options, files),
  });

/** CartPole, a classic (Gym) environment: only objectives that collect their own experience (ppo, reinforce) train on it. */
export const cartpoleContribution = defineContribution({
  name: 'cartpole',
  description: 'classic-control CartPole (Gymnasium CartPole-v1 dynamics): reward 1 per step, truncated at maxEpisodeSteps; for ppo / reinforce',
  schema: Type.Object({
    maxEpisodeSteps: Defaulted(Type.Integer({ minimum: 1, description: 'episodes are truncated after this many steps (CartPole-v1: 500)' }), 500),
  }),
  create: (options) => cartPoleFactory({ maxEpisodeSteps: options.maxEpisodeSteps }),
});
