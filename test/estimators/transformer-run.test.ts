import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { resolveConfig } from '../../core/config/validate.js';
import { metricRecords, straightAndResumed, tempRunsDir } from '../checkpoint/helpers.js';
import { recordRun, registry, smallConfig } from '../training/run-helpers.js';

/** 16 bits in 4-bit words: 4 positions over 16 symbols (the `words` codebook, as the paper tasks). */
const BITSEQ = { name: 'bitseq', ndim: 16, wordBits: 4, codebook: 'words', nModes: 8, alpha: 0.25, seed: 0 };
const SMALL = { name: 'transformer', layers: 1, heads: 2, width: 16 };
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('transformer estimator in runs', () => {
  it('TB on bitseq (insert and append): the loss falls (seeded)', async () => {
    for (const variant of ['insert', 'append']) {
      const run = await recordRun(
        smallConfig({
          iterations: 60,
          batchSize: 16,
          env: { ...BITSEQ, variant },
          estimator: SMALL,
          objective: { name: 'tb', lrZ: 0.1 },
          evaluation: { mode: 'none' },
        }),
      );
      const losses = run.iterations.map((e) => e.metrics.loss!);
      const [first, last] = [mean(losses.slice(0, 10)), mean(losses.slice(-10))];
      console.log(`TB ${variant} with a 1x2x16 transformer: mean loss of iterations 1-10 ${first.toFixed(2)}, 51-60 ${last.toFixed(2)}`);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(last).toBeLessThan(0.5 * first);
    }
  });

  it("readout 'position' trains TB on the insert variant and is a config error on the append variant (V + 1 outputs)", async () => {
    const run = await recordRun(
      smallConfig({
        iterations: 60,
        batchSize: 16,
        env: { ...BITSEQ, variant: 'insert' },
        estimator: { ...SMALL, readout: 'position' },
        objective: { name: 'tb', lrZ: 0.1 },
        evaluation: { mode: 'none' },
      }),
    );
    const losses = run.iterations.map((e) => e.metrics.loss!);
    const [first, last] = [mean(losses.slice(0, 10)), mean(losses.slice(-10))];
    console.log(`TB insert with a 1x2x16 transformer, position readout: mean loss of iterations 1-10 ${first.toFixed(2)}, 51-60 ${last.toFixed(2)}`);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(last).toBeLessThan(0.5 * first);
    // the append variant's V + 1 actions are refused by the preflight, before any network is built
    const append = smallConfig({
      iterations: 1,
      env: { ...BITSEQ, variant: 'append' },
      estimator: { ...SMALL, readout: 'position' },
      objective: { name: 'tb' },
      evaluation: { mode: 'none' },
    });
    expect(() => preflight(append, registry)).toThrow(ConfigError);
    expect(() => preflight(append, registry)).toThrow(
      /field "estimator.readout" = "position": the environment has 17 actions, not its 4 positions x 16 symbols \+ exit = 65 \('position' is only for insert-anywhere policies; valid choices: flatten, mean, position\)/,
    );
    await expect(recordRun(append)).rejects.toThrow(/the environment has 17 actions/);
  });

  it("readout 'position' with a learned state flow (DB): the policies read per position, the flow network reads out its scalar by 'flatten'", async () => {
    const run = await recordRun(
      smallConfig({
        iterations: 40,
        batchSize: 16,
        env: { ...BITSEQ, variant: 'insert' },
        estimator: { ...SMALL, readout: 'position' },
        objective: { name: 'db', backward: 'learned' },
        evaluation: { mode: 'none' },
      }),
    );
    const losses = run.iterations.map((e) => e.metrics.loss!);
    expect(losses).toHaveLength(40);
    expect(losses.every(Number.isFinite)).toBe(true);
  });

  it.each([
    ['db', { name: 'db', backward: 'learned' }],
    ['subtb', { name: 'subtb', backward: 'shared' }],
    ['fm (exact evaluation)', { name: 'fm' }],
    ['tb with RND intrinsic reward', { name: 'tb', intrinsic: { weight: 0.1 } }],
    ['rl (coupled P_B, value networks)', { name: 'rl', backward: 'coupled', value: { hidden: [8] } }],
    ['rl (guided P_B)', { name: 'rl', backward: 'guided' }],
    ['rl with trpo (RL-T: Jacobian products by automatic differentiation)', { name: 'rl', optimizer: 'trpo', trpo: { cgIterations: 3 } }],
    ['reinforce', { name: 'reinforce' }],
    ['ppo', { name: 'ppo', nSteps: 16, minibatchSize: 8, epochs: 1 }],
  ] as const)('%s trains with it (finite metrics)', async (_label, objective) => {
    // FM on a task small enough to enumerate: the exact evaluator runs the transformer's predict over every state
    const fm = objective.name === 'fm';
    const env = fm ? { name: 'bitseq', ndim: 4, wordBits: 1, groups: 1, modesPerGroup: 2 } : { ...BITSEQ, variant: 'insert' };
    const run = await recordRun(
      smallConfig({ iterations: 3, batchSize: 4, env, estimator: SMALL, objective, evaluation: fm ? { mode: 'exact', every: 3 } : { mode: 'none' } }),
    );
    expect(run.iterations.length).toBe(3);
    for (const e of run.iterations) for (const [k, v] of Object.entries(e.metrics)) expect(Number.isFinite(v), k).toBe(true);
    if (fm) expect(run.evaluations.map((e) => Number.isFinite(e.metrics.tv))).toEqual([true, true]);
  });

  it('a checkpoint saves and restores its variables: 2 x 10 iterations with a resume = 20 straight (TB-B)', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'tr',
      iterations: 20,
      batchSize: 4,
      checkpoint: { every: 5 },
      logging: { dir, progress: 'none' },
      env: BITSEQ,
      estimator: SMALL,
      objective: { name: 'tb', backward: 'learned' },
      evaluation: { mode: 'none' },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 10);
    const a = metricRecords(straight);
    expect(a.filter((r) => r.type === 'iteration')).toHaveLength(20);
    expect(metricRecords(resumed)).toEqual(a);
  });

  it('a non-sequence environment is a config error naming estimator.name, the environment and the supported ones', async () => {
    const iterations: number[] = [];
    const attempt = recordRun(smallConfig({ iterations: 1, estimator: SMALL, evaluation: { mode: 'none' } }), {
      beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => iterations.push(e.iteration)),
    });
    await expect(attempt).rejects.toThrow(
      /field "estimator.name" = "transformer": environment 'hypergrid' has no token layout.*sequence environments \(tfbind8, qm9str, sehstr, bitseq/,
    );
    expect(iterations).toEqual([]);
    const classic = recordRun(
      smallConfig({ iterations: 1, env: { name: 'cartpole' }, objective: { name: 'reinforce' }, estimator: SMALL, evaluation: { mode: 'none' } }),
    );
    await expect(classic).rejects.toThrow(/"estimator.name" = "transformer": environment 'cartpole'/);
  });

  it('width not a multiple of heads is refused at validation, naming the field and value', () => {
    expect(() =>
      resolveConfig({ name: 't', env: BITSEQ, objective: { name: 'tb' }, estimator: { name: 'transformer', heads: 3, width: 16 } }, registry),
    ).toThrow(/estimator.width.*16.*multiple of heads = 3/);
  });
});
