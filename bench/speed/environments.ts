/**
 * The environment settings: each environment with its natural objective, from its shipped config
 * where there is one, so that the table shows what a user's run of that environment costs.
 */

/** One environment's training run, split per iteration into environment, network and the rest. */
export interface EnvironmentSetting {
  kind: 'environment';
  label: string;
  /** The run's config, or the path of a shipped config file (read at run time). */
  config: string | Record<string, unknown>;
  /** Measured iterations (`--iterations` overrides). */
  iterations: number;
  /** Iterations before measuring: JIT, kernel set-up, first allocations (`--warmup` overrides). */
  warmup: number;
}

const MLP_4x256 = { name: 'mlp', hidden: [256, 256, 256, 256] };

const env = (label: string, config: EnvironmentSetting['config'], iterations = 30, warmup = 5): EnvironmentSetting => ({
  kind: 'environment',
  label,
  config,
  iterations,
  warmup,
});

// HyperGrid ships no config of these shapes: the paper's small setting, 2-D and 10-D
const hypergrid = (ndim: number, height: number): Record<string, unknown> => ({
  batchSize: 16,
  env: { name: 'hypergrid', ndim, height, R0: 0.01 },
  objective: { name: 'tb', backward: 'uniform', lr: 0.001, lrZ: 0.1 },
  estimator: MLP_4x256,
  evaluation: { every: 100 },
});

/** Every environment setting by id. */
export const ENVIRONMENT_SETTINGS: Record<string, EnvironmentSetting> = {
  'hypergrid-2d': env('HyperGrid 2-D H=16, TB-U, batch 16, 4x256', hypergrid(2, 16)),
  'hypergrid-10d': env('HyperGrid 10-D H=6, TB-U, batch 16, 4x256', hypergrid(10, 6)),
  'bitseq-append': env('bitseq n=120 k=8 append, TB-U, batch 16, 4x256', 'configs/scale/bitseq120-append-tb-u.json'),
  'bitseq-insert': env('bitseq n=120 k=8 insert, TB-U, batch 16, 4x256', 'configs/scale/bitseq120-insert-tb-u.json'),
  tfbind8: env('TFbind8, TB-U, batch 128, 4x256', 'configs/paper/tfbind8-tb-u.json'),
  qm9str: env('qm9str, TB-U, batch 128, 4x256', 'configs/paper/qm9str-tb-u.json'),
  sehstr: env('sEH strings, TB-U, batch 128, 4x256', 'configs/paper/sehstr-tb-u.json'),
  dag5: env('DAG d=5, TB-U, batch 128, 4x256', 'configs/paper/dag5-tb-u.json'),
  dag10: env('DAG d=10, TB-U, batch 16, 2x256', 'configs/scale/dag10-tb-u.json'),
  // an iteration is 2,048 environment steps: a few are enough
  'cartpole-ppo': env('CartPole, PPO, 2,048 steps/it, 64x64 tanh', 'configs/cartpole-ppo.json', 3, 1),
};
