import { Type } from 'typebox';
import { RL_EVALUATORS, PolicyGradientGFlowNet, rlOptionProblems } from '../../algorithms/policy-based/rl.js';
import { TOKENS } from '../../core/di/tokens.js';
import { Defaulted } from '../../core/base/typed-schema.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { providesGuide } from '../../core/policy/guide.js';
import { isGymEnvFactory } from '../../core/gym/gym-env.js';
import { defineObjective } from '../../core/plugin/define-contribution.js';
import { makeBackwardPolicy } from './backward-policy.js';
import { commonObjectiveOptions } from './objectives.js';

/** The paper's objective family: RL-U / RL-B / RL-G by `backward`, RL-T by `optimizer: "trpo"`. */
export const rlContribution = defineObjective({
  name: 'rl',
  description:
    'policy-gradient GFlowNet training: backward uniform = RL-U, coupled = RL-B, guided = RL-G; optimizer trpo = RL-T; evaluator subeb = Sub-EB-U / Sub-EB-B',
  schema: Type.Object({
    backward: Defaulted(
      Type.Enum(['uniform', 'coupled', 'guided'], {
        description: 'P_B: uniform (RL-U), learned coupled to P_F (RL-B), learned towards the environment guide (RL-G)',
      }),
      'uniform',
    ),
    optimizer: Defaulted(Type.Enum(['adam', 'trpo'], { description: 'forward policy update; trpo = RL-T' }), 'adam'),
    ...commonObjectiveOptions,
    lrB: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'learning rate of the learned P_B (default: lr)' })),
    lrV: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'learning rate of the value networks' }), 5e-3),
    lambda: Defaulted(Type.Number({ minimum: 0, maximum: 1, description: 'GAE λ of the forward advantages (γ = 1)' }), 0.99),
    centerAdvantages: Defaulted(Type.Boolean({ description: 'subtract the batch mean from the advantages' }), true),
    entropyBonus: Defaulted(Type.Number({ minimum: 0, description: 'α of an entropy bonus −α·Σ_t H(P_F(·|s_t))/N on the forward loss; 0 = none' }), 0),
    entropyDecayIterations: Defaulted(Type.Integer({ minimum: 0, description: 'iterations over which α decays linearly to 0; 0 = constant' }), 0),
    importanceWeights: Defaulted(
      Type.Boolean({
        description: "reweight each trajectory by P_F(τ)/q(τ), q = the sampler's ε / temperature behaviour, so that sampler exploration is allowed",
      }),
      false,
    ),
    evaluator: Defaulted(
      Type.Enum(RL_EVALUATORS, {
        description:
          'how V is learned: td = cost-to-go regression (the paper); subeb = subtrajectory evaluation balance (Sub-EB; with backward coupled, P_B is trained on the same residuals)',
      }),
      'td',
    ),
    subebLambda: Defaulted(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Sub-EB: λ of the geometric-within sub-trajectory weights' }), 0.9),
    guideReplayCapacity: Defaulted(Type.Integer({ minimum: 1, description: 'RL-G on sequences: terminal sequences kept by the guide' }), 100000),
    value: Defaulted(
      Type.Object(
        { hidden: Defaulted(Type.Array(Type.Integer({ minimum: 1 }), { description: 'value network hidden widths' }), [256, 256]) },
        { additionalProperties: false },
      ),
      {},
    ),
    trpo: Defaulted(
      Type.Object(
        {
          delta: Defaulted(Type.Number({ exclusiveMinimum: 0 }), 0.01),
          cgIterations: Defaulted(Type.Integer({ minimum: 1 }), 10),
          cgTolerance: Defaulted(Type.Number({ minimum: 0 }), 1e-5),
          backtrackSteps: Defaulted(Type.Integer({ minimum: 1 }), 20),
          damping: Defaulted(Type.Number({ minimum: 0 }), 0),
        },
        { additionalProperties: false, description: 'RL-T trust-region step' },
      ),
      {},
    ),
  }),
  // on-policy; importance weights correct the sampler's exploration exactly; with the Sub-EB
  // evaluator locally searched trajectories may join the batch (the authors' sequence and DAG
  // settings): its balance holds on any trajectory, and the policy step treats them as on-policy.
  // The `td` evaluator reweights a pipelined batch by P_F(τ)/q(τ) with its recorded behaviour log q(τ).
  traits: (options) => ({
    onPolicy: true,
    correctsExploration: options.importanceWeights,
    acceptsLocalSearch: options.evaluator === 'subeb',
    correctsStaleParameters: options.evaluator !== 'subeb',
  }),
  validate: (options, { environment }) => [
    ...rlOptionProblems(options),
    ...(options.backward === 'guided' && environment && !isGymEnvFactory(environment) && !providesGuide(environment)
      ? [
          {
            field: 'backward',
            value: options.backward,
            reason: `needs a guide, and environment '${environment.name}' does not provide one; valid choices: "coupled", "uniform"`,
          },
        ]
      : []),
  ],
  create: (options, resolve) => {
    const env = resolve.get(TOKENS.Environment);
    const forward = resolve.get(TOKENS.ForwardEstimator);
    const makeEstimator = resolve.get(TOKENS.EstimatorFactory);
    const valueNet = (role: string): Estimator => makeEstimator({ role, inputDim: env.obsDim, outputDim: 1, overrides: { hidden: options.value.hidden } });
    const learned = options.backward !== 'uniform';
    const subeb = options.evaluator === 'subeb';
    return new PolicyGradientGFlowNet(
      {
        env,
        forward,
        backward: makeBackwardPolicy(learned ? 'learned' : 'uniform', resolve),
        value: valueNet('value'),
        ...(learned && !subeb ? { backwardValue: valueNet('backward-value') } : {}),
        ...(options.backward === 'guided' && providesGuide(env) ? { guide: env.createGuide(forward, { replayCapacity: options.guideReplayCapacity }) } : {}),
        sampler: resolve.get(TOKENS.Sampler),
        behaviour: resolve.get(TOKENS.Config).sampler,
        // drawn from only on a conditional environment (log Ẑ(c)'s first layers)
        rng: () => resolve.get(TOKENS.Rng),
      },
      {
        ...options,
        lrB: options.lrB ?? options.lr,
        exploration: {
          entropyBonus: options.entropyBonus,
          entropyDecayIterations: options.entropyDecayIterations,
          importanceWeights: options.importanceWeights,
        },
      },
    );
  },
});
