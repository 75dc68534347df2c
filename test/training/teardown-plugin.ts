import type { Objective } from '../../core/objectives/objective.js';
import { definePlugin } from '../../core/plugin/plugin.js';
import type { EstimatorFactory } from '../../core/tensor/estimator.js';
import { mlpContribution } from '../../plugins/builtin/estimators.js';

/**
 * What the contributions below built and freed, in order ('built forward', 'freed objective', …),
 * for the teardown tests to read. Cleared by {@link resetLifecycle}.
 */
export const lifecycle: string[] = [];

/** Calls of the `scripted` objective's factory (each failing one throws a new error naming its call). */
export const factoryCalls = { objective: 0 };

export function resetLifecycle(): void {
  lifecycle.length = 0;
  factoryCalls.objective = 0;
}

interface ScriptedOptions {
  failCreate: boolean;
  failUpdate: boolean;
  failDispose: boolean;
}

/**
 * A test plugin, also loaded by path from a config: the estimator kind `counting-mlp` (the built-in
 * MLP, recording when a forward estimator is built and freed) and the objective `scripted` (loss 1,
 * and a failure where its options ask for one).
 */
export default definePlugin({
  name: 'teardown-test',
  estimators: [
    {
      name: 'counting-mlp',
      description: 'the built-in MLP, recording when a forward estimator is built and freed',
      schema: mlpContribution.schema,
      create: (options, resolve): EstimatorFactory => {
        const mlp = mlpContribution.create(options as Parameters<typeof mlpContribution.create>[0], resolve);
        return (request) => {
          const estimator = mlp(request);
          if (request.role !== 'forward') return estimator;
          lifecycle.push('built forward');
          const dispose = estimator.dispose.bind(estimator);
          estimator.dispose = () => {
            lifecycle.push('freed forward');
            dispose();
          };
          return estimator;
        };
      },
    },
  ],
  objectives: [
    {
      name: 'scripted',
      description: 'loss 1; fails in its factory, its update or its dispose when asked',
      schema: {
        properties: {
          failCreate: { type: 'boolean', default: false },
          failUpdate: { type: 'boolean', default: false },
          failDispose: { type: 'boolean', default: false },
        },
      },
      create: (options: ScriptedOptions): Objective => {
        factoryCalls.objective += 1;
        if (options.failCreate) throw new Error(`the scripted objective's factory failed (call ${factoryCalls.objective})`);
        lifecycle.push('built objective');
        return {
          name: 'scripted',
          update: () => {
            if (options.failUpdate) throw new Error("the scripted objective's update failed");
            return { loss: 1 };
          },
          dispose: () => {
            lifecycle.push('freed objective');
            if (options.failDispose) throw new Error("the scripted objective's dispose failed");
          },
        };
      },
    },
  ],
});
