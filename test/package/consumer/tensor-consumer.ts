// A consumer that computes with the tensors the package hands out, as a plugin's objective or
// estimator does: it imports TensorFlow.js and selects TensorFlow.js's declarations of the
// package's tensor types with the `gflownet-ts-tfjs` condition (tsconfig.tensors.json). Each
// expected error (the directive) proves that a type is real.
import * as tf from '@tensorflow/tfjs-core';
import {
  type Environment,
  type Estimator,
  forwardLogProbs,
  GroupedAdam,
  type Objective,
  ownedVariable,
  readValues,
  type Scalar,
  type Tensor1D,
  type Tensor2D,
  TOKENS,
  type TrainingBatch,
  UniformBackwardPolicy,
  definePlugin,
  gatherTransitions,
  type Plugin,
} from 'gflownet-ts/plugin';

/** A linear policy: the package's Estimator contract implemented with TensorFlow.js ops. */
export class LinearEstimator implements Estimator {
  readonly variables: tf.Variable[];
  private readonly weight: tf.Variable<tf.Rank.R2>;

  constructor(
    readonly inputDim: number,
    readonly outputDim: number,
  ) {
    this.weight = ownedVariable(tf.zeros([inputDim, outputDim]) as tf.Tensor2D, 'linear/weight');
    this.variables = [this.weight];
  }

  apply(x: Tensor2D): Tensor2D {
    return tf.matMul(x, this.weight);
  }

  predict(x: Tensor2D): Tensor2D {
    return tf.tidy(() => this.apply(x));
  }

  dispose(): void {
    this.weight.dispose();
  }
}

/** Maximum likelihood of the sampled actions: the package's losses' building blocks under tf ops. */
export class LikelihoodObjective implements Objective {
  readonly name = 'likelihood';
  private readonly optimizer: GroupedAdam;
  private readonly logZVar: tf.Variable<tf.Rank.R0> = ownedVariable(tf.scalar(0), 'likelihood/logZ');

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
  ) {
    this.optimizer = new GroupedAdam([{ name: 'policy', variables: forward.variables, learningRate: 1e-3 }]);
  }

  update(batch: TrainingBatch): Record<string, number> {
    const tr = gatherTransitions(batch.forward, this.env.nActions - 1);
    const loss = this.optimizer.minimize((): Scalar => {
      const logPF: Tensor1D = forwardLogProbs(this.env, this.forward, tr.states, tr.actions);
      // @ts-expect-error a log-probability vector is not a matrix
      const wrong: tf.Tensor2D = logPF;
      void wrong;
      return tf.neg(tf.mean(tf.add(logPF, this.logZVar)));
    });
    const logPB = readValues(() => new UniformBackwardPolicy(this.env).logProbs(tr.nextStates, tr.actions));
    return { loss, logPB: logPB[0] ?? 0 };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.logZVar.dispose();
  }
}

export const tensorPlugin: Plugin = definePlugin({
  name: 'tensors',
  estimators: [
    {
      name: 'linear',
      description: 'a linear policy',
      schema: { properties: {} },
      create: () => (request) => new LinearEstimator(request.inputDim, request.outputDim),
    },
  ],
  objectives: [
    {
      name: 'likelihood',
      description: 'maximum likelihood of the sampled actions',
      schema: { properties: {} },
      create: (_options, resolve): Objective => new LikelihoodObjective(resolve.get(TOKENS.Environment), resolve.get(TOKENS.ForwardEstimator)),
    },
  ],
});
