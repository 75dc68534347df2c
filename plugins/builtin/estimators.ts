import { Type } from 'typebox';
import { ConfigError } from '../../core/base/errors.js';
import { Defaulted, type Resolved } from '../../core/base/typed-schema.js';
import type { Environment } from '../../core/env/environment.js';
import { TOKENS } from '../../core/di/tokens.js';
import { hasTokenLayout, type TokenLayout } from '../../core/env/capabilities.js';
import type { EstimatorFactory } from '../../core/tensor/estimator.js';
import { type GymEnvFactory, isGymEnvFactory } from '../../core/gym/gym-env.js';
import { hasFewHotEncoding } from '../../core/env/few-hot.js';
import { defineContribution } from '../../core/plugin/define-contribution.js';
import type { OptionProblem, Resolver } from '../../core/plugin/plugin.js';
import { ACTIVATIONS } from '../../core/tensor/dense.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { FilmMlp } from '../../core/tensor/film-mlp.js';
import { observationConditionOf } from '../../core/env/condition/observation-condition.js';
import { SigmoidExitPolicy } from '../../core/policy/sigmoid-exit.js';
import { Transformer, TRANSFORMER_READOUTS } from '../../core/tensor/transformer.js';

/** How the policy networks (roles `forward` and `target`) give the exit action its probability. */
const EXIT_HEADS = ['softmax', 'sigmoid'] as const;
const POLICY_ROLES = new Set(['forward', 'target']);
/** The networks over the environment's actions: a `position` readout reads their logits per position. */
const ACTION_ROLES = new Set(['forward', 'target', 'backward']);

/**
 * `sparseInput: "auto"` gathers only for observations at least this wide: on narrower ones the
 * product the gather saves is too small to measure (2-D HyperGrid H = 16, 32 wide: the same ms per
 * TB iteration within the noise either way; bit sequences n = 120, 3,840 wide: ~2x faster; see
 * docs/performance.md, Sparse inputs).
 */
export const SPARSE_INPUT_MIN_WIDTH = 256;

const mlpSchema = Type.Object({
  hidden: Defaulted(Type.Array(Type.Integer({ minimum: 1 }), { description: 'hidden layer widths' }), [256, 256, 256, 256]),
  activation: Defaulted(Type.Enum(ACTIVATIONS, { description: 'activation of the hidden layers' }), 'relu'),
  exitHead: Defaulted(
    Type.Enum(EXIT_HEADS, {
      description:
        "P_F's exit action (the last): 'softmax' = one logit among all actions; 'sigmoid' = P(exit) = σ(z_exit), the other actions share 1 − P(exit) by a softmax (DAG-GFlowNet's policy; see docs/dag-mdb.md)",
    }),
    'softmax',
  ),
  sparseInput: Defaulted(
    Type.Union([Type.Boolean(), Type.Enum(['auto'])], {
      description:
        "few-hot observations (environments with encodeColumns: hypergrid, the sequence environments) reach the first layer as the columns of their ones, which it sums weight rows of instead of a product with the whole row — the same outputs to float32 rounding, less work (see docs/performance.md, Sparse inputs); 'auto' = where the environment offers them and the observation is at least 256 wide, true = wherever offered, required (an environment without them is a config error), false = dense rows always",
    }),
    'auto',
  ),
});
type MlpOptions = Resolved<typeof mlpSchema>;

export const mlpContribution = defineContribution({
  name: 'mlp',
  description: 'multi-layer perceptron with explicit-transpose dense layers (PyTorch-style uniform init)',
  schema: mlpSchema,
  validate: (o, { environment }) =>
    o.sparseInput === true && environment && !fewHotOffered(environment)
      ? [
          {
            field: 'sparseInput',
            value: true,
            reason: `environment '${environment.name}' does not offer its observations as few-hot columns (no encodeColumns); valid choices: "auto" (dense rows here), false`,
          },
        ]
      : [],
  film: true,
  create: (options, resolve): EstimatorFactory => {
    const rng = resolve.get(TOKENS.Rng);
    const { kernels } = resolve.get(TOKENS.Kernels);
    const env = resolve.get(TOKENS.GymEnvFactory).gflownet;
    const condition = observationConditionOf(env);
    return ({ role, inputDim, outputDim, overrides }) => {
      const o = { ...options, ...(overrides ?? {}) } as MlpOptions;
      // networks of the conditioned observations (policies, flows, values) under `film`: modulated
      // hidden layers, on the tensor backend (no engine has the modulation's passes)
      if (condition?.modulation === 'film' && env !== undefined && inputDim === env.obsDim) {
        const film = new FilmMlp({ inputDim, outputDim, hidden: o.hidden, activation: o.activation, condition }, rng, role);
        return o.exitHead === 'sigmoid' && POLICY_ROLES.has(role) ? new SigmoidExitPolicy(film) : film;
      }
      // networks of the environment's observations (policies, flows, values); others stay dense
      const offered = env !== undefined && hasFewHotEncoding(env) && inputDim === env.obsDim;
      const fewHotInput = offered && (o.sparseInput === true || (o.sparseInput === 'auto' && inputDim >= SPARSE_INPUT_MIN_WIDTH));
      const mlp = new Mlp({ inputDim, outputDim, hidden: o.hidden, activation: o.activation, fewHotInput }, rng, role, kernels);
      // only the policies over the environment's actions end with exit (not P_B, flows, values)
      return o.exitHead === 'sigmoid' && POLICY_ROLES.has(role) ? new SigmoidExitPolicy(mlp) : mlp;
    };
  },
});

const transformerSchema = Type.Object({
  layers: Defaulted(Type.Integer({ minimum: 1, description: 'encoder blocks' }), 3),
  heads: Defaulted(Type.Integer({ minimum: 1, description: 'attention heads per block; must divide width' }), 8),
  width: Defaulted(Type.Integer({ minimum: 1, description: 'token width (embedding and residual stream)' }), 64),
  /** Absent: 4 · width. */
  ffWidth: Type.Optional(Type.Integer({ minimum: 1, description: 'hidden width of the feed-forward networks (default: 4 · width)' })),
  activation: Defaulted(Type.Enum(ACTIVATIONS, { description: 'activation of the feed-forward networks' }), 'relu'),
  readout: Defaulted(
    Type.Enum(TRANSFORMER_READOUTS, {
      description:
        "linear readout of the concatenated tokens ('flatten'), of their mean ('mean', cheaper), or per position ('position': each position's logits from its own token, exit from their mean; only for action spaces positions x vocabulary (+ exit); the run's other networks (state flows, values) then read out by 'flatten')",
    }),
    'flatten',
  ),
});
type TransformerOptions = Resolved<typeof transformerSchema>;

/** Options a request may override (a value network of another shape); MLP-only ones (`hidden`) are ignored. */
const TRANSFORMER_OVERRIDABLE = ['layers', 'heads', 'width', 'ffWidth'] as const;

/**
 * The `transformer` estimator kind: every network of the run is a {@link Transformer} over the
 * environment's token layout (environments with `tokenLayout()`; any other is a config error
 * before training). See docs/transformer.md.
 */
export const transformerContribution = defineContribution({
  name: 'transformer',
  description:
    'Transformer encoder over the tokens of a sequence observation (token + position embeddings, pre-LN multi-head self-attention blocks, linear readout)',
  schema: transformerSchema,
  validate: (o, { environment }) => [
    ...(o.width % o.heads === 0
      ? []
      : [{ field: 'width', value: o.width, reason: `must be a multiple of heads = ${o.heads} (each head reads width / heads columns)` }]),
    // the environment, once the preflight built it, must read as tokens
    ...(environment && !readsAsTokens(isGymEnvFactory(environment) ? environment.gflownet : environment)
      ? [{ field: 'name', value: 'transformer', reason: noTokenLayout(environment.name) }]
      : []),
    ...(o.readout === 'position' && environment && !isGymEnvFactory(environment) && hasTokenLayout(environment)
      ? positionReadoutProblems(environment.nActions, environment.tokenLayout())
      : []),
  ],
  create: (options, resolve): EstimatorFactory => {
    const rng = resolve.get(TOKENS.Rng);
    // the engine's kernels run the inference pass where they have a Transformer pass
    const { kernels } = resolve.get(TOKENS.Kernels);
    const layout = tokenLayoutOf(resolve);
    return ({ role, inputDim, outputDim, overrides }) => {
      const o: TransformerOptions = { ...options };
      for (const key of TRANSFORMER_OVERRIDABLE) if (overrides?.[key] !== undefined) o[key] = overrides[key] as number;
      if (inputDim !== layout.positions * layout.vocabulary) {
        throw new Error(
          `estimator 'transformer' (${role}): input width ${inputDim} is not the environment's ${layout.positions} positions x ${layout.vocabulary} symbols`,
        );
      }
      // the preflight checked the action space; a network of another output (a state flow, a
      // value) reads out its scalar from all tokens
      if (o.readout === 'position' && !ACTION_ROLES.has(role)) o.readout = 'flatten';
      if (o.width % o.heads !== 0) throw new Error(`estimator 'transformer' (${role}): width ${o.width} must be a multiple of heads ${o.heads}`);
      return new Transformer(
        {
          layout,
          outputDim,
          layers: o.layers,
          heads: o.heads,
          width: o.width,
          ffWidth: o.ffWidth ?? 4 * o.width,
          activation: o.activation,
          readout: o.readout,
        },
        rng,
        role,
        kernels,
      );
    };
  },
});

/**
 * The `position` readout gives one logit per (position, symbol), plus exit: the environment's
 * forward actions must be exactly that (the insert-anywhere variants), checked before any work.
 */
function positionReadoutProblems(nActions: number, layout: TokenLayout): OptionProblem[] {
  const tokens = layout.positions * layout.vocabulary;
  // exit is always the last action, so P_B then has exactly one logit per (position, symbol)
  if (nActions === tokens + 1) return [];
  return [
    {
      field: 'readout',
      value: 'position',
      reason: `the environment has ${nActions} actions, not its ${layout.positions} positions x ${layout.vocabulary} symbols + exit = ${tokens + 1} ('position' is only for insert-anywhere policies; valid choices: ${TRANSFORMER_READOUTS.join(', ')})`,
    },
  ];
}

/** True when the GFlowNet environment offers few-hot columns (a classic Gym environment has none). */
function fewHotOffered(environment: Environment | GymEnvFactory): boolean {
  const env = isGymEnvFactory(environment) ? environment.gflownet : environment;
  return env !== undefined && hasFewHotEncoding(env);
}

function readsAsTokens(env: Environment | undefined): boolean {
  return env !== undefined && hasTokenLayout(env);
}

/** Why the transformer cannot read environment `name`'s observations, and what to use instead. */
function noTokenLayout(name: string): string {
  return `environment '${name}' has no token layout (the transformer reads observations as one-hot tokens); it supports the sequence environments (tfbind8, qm9str, sehstr, bitseq, insert or append variant) and any environment with a tokenLayout() capability — use "mlp" for this environment`;
}

/** The token layout of the run's environment (the preflight refused any other). */
function tokenLayoutOf(resolve: Resolver): TokenLayout {
  // the Gym view exists for every environment; its `gflownet` is the GFlowNet environment, if any
  const gym = resolve.get(TOKENS.GymEnvFactory);
  if (gym.gflownet && hasTokenLayout(gym.gflownet)) return gym.gflownet.tokenLayout();
  throw new ConfigError([`field "estimator.name" = "transformer": ${noTokenLayout(gym.name)}`]);
}
