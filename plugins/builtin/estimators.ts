import { TOKENS } from '../../core/di/tokens.js';
import type { EstimatorFactory } from '../../core/estimator.js';
import type { Contribution } from '../../core/plugin.js';
import type { Rng } from '../../core/rng.js';
import type { KernelsChoice } from '../../core/tensor/dense-chain.js';
import { ACTIVATIONS, type Activation } from '../../core/tensor/dense.js';
import { Mlp } from '../../core/tensor/mlp.js';

interface MlpOptions {
  hidden: number[];
  activation: Activation;
}

export const mlpContribution: Contribution<EstimatorFactory, MlpOptions> = {
  name: 'mlp',
  description: 'multi-layer perceptron with explicit-transpose dense layers (PyTorch-style uniform init)',
  schema: {
    properties: {
      hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [256, 256, 256, 256], description: 'hidden layer widths' },
      activation: { enum: [...ACTIVATIONS], default: 'relu', description: 'activation of the hidden layers' },
    },
  },
  create: (options, resolve) => {
    const rng = resolve.get<Rng>(TOKENS.Rng);
    const { kernels } = resolve.get<KernelsChoice>(TOKENS.Kernels);
    return ({ role, inputDim, outputDim, overrides }) => {
      const o = { ...options, ...(overrides ?? {}) } as MlpOptions;
      return new Mlp({ inputDim, outputDim, hidden: o.hidden, activation: o.activation }, rng, role, kernels);
    };
  },
};
