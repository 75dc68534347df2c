import { RL_EVALUATORS, type RlEvaluator, type RlOptions, PolicyGradientGFlowNet, rlOptionProblems } from '../../algorithms/policy-based/rl.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Objective } from '../../core/objectives/objective.js';
import { providesGuide } from '../../core/policy/guide.js';
import { isGymEnvFactory } from '../../core/gym/gym-env.js';
import type { ObjectiveContribution } from '../../core/plugin/plugin.js';
import { makeBackwardPolicy } from './backward-policy.js';
import type { RlExploration } from '../../algorithms/policy-based/exploration-terms.js';
import { commonObjectiveOptions } from './objectives.js';

type RlConfig = Omit<RlOptions, 'lrB' | 'exploration' | 'evaluator' | 'subebLambda'> &
  RlExploration & {
    lrB?: number;
    evaluator: RlEvaluator;
    subebLambda: number;
    value: { hidden: number[] };
    guideReplayCapacity: number;
  };

/** The paper's objective family: RL-U / RL-B / RL-G by `backward`, RL-T by `optimizer: "trpo"`. */
export const rlContribution: ObjectiveContribution<Objective, RlConfig> = {
  name: 'rl',
  description: 'policy-gradient GFlowNet training: backward uniform = RL-U, coupled = RL-B, guided = RL-G; optimizer trpo = RL-T; evaluator subeb = Sub-EB-U / Sub-EB-B',
  schema: {
    properties: {
      backward: { enum: ['uniform', 'coupled', 'guided'], default: 'uniform', description: 'P_B: uniform (RL-U), learned coupled to P_F (RL-B), learned towards the environment guide (RL-G)' },
      optimizer: { enum: ['adam', 'trpo'], default: 'adam', description: 'forward policy update; trpo = RL-T' },
      ...commonObjectiveOptions,
      lrB: { type: 'number', exclusiveMinimum: 0, description: 'learning rate of the learned P_B (default: lr)' },
      lrV: { type: 'number', exclusiveMinimum: 0, default: 5e-3, description: 'learning rate of the value networks' },
      lambda: { type: 'number', minimum: 0, maximum: 1, default: 0.99, description: 'GAE λ of the forward advantages (γ = 1)' },
      centerAdvantages: { type: 'boolean', default: true, description: 'subtract the batch mean from the advantages' },
      entropyBonus: { type: 'number', minimum: 0, default: 0, description: 'α of an entropy bonus −α·Σ_t H(P_F(·|s_t))/N on the forward loss; 0 = none' },
      entropyDecayIterations: { type: 'integer', minimum: 0, default: 0, description: 'iterations over which α decays linearly to 0; 0 = constant' },
      importanceWeights: {
        type: 'boolean',
        default: false,
        description: 'reweight each trajectory by P_F(τ)/q(τ), q = the sampler\'s ε / temperature behaviour, so that sampler exploration is allowed',
      },
      evaluator: {
        enum: [...RL_EVALUATORS],
        default: 'td',
        description: 'how V is learned: td = cost-to-go regression (the paper); subeb = subtrajectory evaluation balance (Sub-EB; with backward coupled, P_B is trained on the same residuals)',
      },
      subebLambda: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.9, description: 'Sub-EB: λ of the geometric-within sub-trajectory weights' },
      guideReplayCapacity: { type: 'integer', minimum: 1, default: 100000, description: 'RL-G on sequences: terminal sequences kept by the guide' },
      value: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: { hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [256, 256], description: 'value network hidden widths' } },
      },
      trpo: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description: 'RL-T trust-region step',
        properties: {
          delta: { type: 'number', exclusiveMinimum: 0, default: 0.01 },
          cgIterations: { type: 'integer', minimum: 1, default: 10 },
          cgTolerance: { type: 'number', minimum: 0, default: 1e-5 },
          backtrackSteps: { type: 'integer', minimum: 1, default: 20 },
          damping: { type: 'number', minimum: 0, default: 0 },
        },
      },
    },
  },
  // on-policy; importance weights correct the sampler's exploration exactly; with the Sub-EB
  // evaluator locally searched trajectories may join the batch (the authors' sequence and DAG
  // settings): its balance holds on any trajectory, and the policy step treats them as on-policy
  traits: (options) => ({ onPolicy: true, correctsExploration: options.importanceWeights, acceptsLocalSearch: options.evaluator === 'subeb' }),
  validate: (options, { environment }) => [
    ...rlOptionProblems(options),
    ...(options.backward === 'guided' && environment && !isGymEnvFactory(environment) && !providesGuide(environment)
      ? [{ field: 'backward', value: options.backward, reason: `needs a guide, and environment '${environment.name}' does not provide one; valid choices: "coupled", "uniform"` }]
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
      },
      {
        ...options,
        lrB: options.lrB ?? options.lr,
        exploration: { entropyBonus: options.entropyBonus, entropyDecayIterations: options.entropyDecayIterations, importanceWeights: options.importanceWeights },
      },
    );
  },
};
