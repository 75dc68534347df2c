/**
 * The settings of the evaluation-cost benchmark (`bench/evaluation-cost.ts`): the three runs whose
 * sampled evaluation the targets are about — HyperGrid ndim 10 and 12 and sEH strings — each with
 * the default evaluation settings of `core/evaluation/config.ts` except `every: 100` (what the
 * shipped configs use; `mode` is forced to `sampled` or `none`).
 */

/** One run measured with evaluation on and off. */
export interface EvaluationCostSetting {
  label: string;
  /** The run's config without `evaluation` and `iterations` (the benchmark sets both); `file`: a shipped config. */
  config: Record<string, unknown> | { file: string };
  /** Training iterations (`--iterations` overrides). */
  iterations: number;
}

/** The evaluation section of every run with evaluation on: the defaults, every 100 iterations. */
export const EVALUATION_COST_EVERY = 100;

const hypergrid = (ndim: number, height: number): Record<string, unknown> => ({
  seed: 0,
  batchSize: 16,
  env: { name: 'hypergrid', ndim, height, R0: 0.01 },
  objective: { name: 'tb', backward: 'uniform', lr: 0.001, lrZ: 0.1 },
  estimator: { name: 'mlp', hidden: [256, 256, 256, 256] },
});

/** Every setting by id. */
export const EVALUATION_COST_SETTINGS: Record<string, EvaluationCostSetting> = {
  'hypergrid-10d': { label: 'HyperGrid 10-D H=6, TB-U, batch 16, 4x256', config: hypergrid(10, 6), iterations: 200 },
  'hypergrid-12d': { label: 'HyperGrid 12-D H=16, TB-U, batch 16, 4x256', config: hypergrid(12, 16), iterations: 200 },
  // the shipped paper config (batch 128, 4x256, samples 1000) with the default evaluation section
  sehstr: {
    label: 'sEH strings, TB-U, batch 128, 4x256 (configs/paper/sehstr-tb-u.json)',
    config: { file: 'configs/paper/sehstr-tb-u.json' },
    iterations: 100,
  },
};
