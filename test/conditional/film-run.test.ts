import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../core/di/tokens.js';
import { FilmMlp } from '../../core/tensor/film-mlp.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { isConditional } from '../../core/env/condition/conditional-environment.js';
import { isEnumerable } from '../../core/env/environment.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { totalVariation } from '../../core/evaluation/metrics.js';
import { loadSampler } from '../../plugins/index.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { metricRecords, straightAndResumed, tempRunsDir } from '../checkpoint/helpers.js';
import { recordRun, registry, smallConfig } from '../training/run-helpers.js';

const FILM = { beta: { distribution: 'log-uniform', min: 0.5, max: 4 }, encoding: 'film' };
const GRID = [0.5, 1, 2, 4];

/** The roles (variable-name prefixes) of the live FiLM modulations, and the largest |Γ|, |Β| among them. */
function liveModulations(): { roles: Set<string>; largest: number } {
  const roles = new Set<string>();
  let largest = 0;
  for (const [name, v] of Object.entries(tf.engine().registeredVariables)) {
    if (!name.includes('/film/')) continue;
    roles.add(name.split('/')[0]!);
    largest = Math.max(largest, ...Array.from(v.dataSync(), Math.abs));
  }
  return { roles, largest };
}

describe('conditional runs with FiLM (condition.encoding: "film")', () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['TB, P_B sharing P_F’s trunk', { objective: { name: 'tb', backward: 'shared' } }, ['forward']],
    ['DB-U', { objective: { name: 'db' } }, ['forward', 'flow']],
    ['SubTB-B', { objective: { name: 'subtb', backward: 'learned' } }, ['forward', 'backward', 'flow']],
    ['FM', { objective: { name: 'fm' } }, ['forward']],
    ['RL-U', { objective: { name: 'rl', value: { hidden: [16] } } }, ['forward', 'value']],
    ['RL-B', { objective: { name: 'rl', backward: 'coupled', value: { hidden: [16] } } }, ['forward', 'backward', 'value', 'backward-value']],
    ['RL-T', { objective: { name: 'rl', optimizer: 'trpo', value: { hidden: [16] } } }, ['forward', 'value']],
  ];
  for (const [label, patch, roles] of cases) {
    it(`trains ${label}: every network of the observations modulated, the modulations learned, evaluated at every β`, async () => {
      let seen: ReturnType<typeof liveModulations> | undefined;
      let forwardIsFilm = false;
      const run = await recordRun(
        smallConfig({ iterations: 6, estimator: { name: 'mlp', hidden: [16, 16] }, condition: FILM, evaluation: { every: 6, atStart: false }, ...patch }),
        {
          beforeRun: (container, bus) => {
            forwardIsFilm = container.get(TOKENS.ForwardEstimator) instanceof FilmMlp;
            bus.iteration$.subscribe(() => {
              seen = liveModulations();
            });
          },
        },
      );
      expect(forwardIsFilm).toBe(true);
      for (const role of roles) expect([...seen!.roles]).toContain(role);
      // the modulations start at zero; training moved them
      expect(seen!.largest).toBeGreaterThan(0);
      for (const it of run.iterations) expect(Number.isFinite(it.metrics.loss)).toBe(true);
      const { metrics } = run.evaluations.at(-1)!;
      for (const b of GRID) expect(metrics[`tv@beta=${b}`]).toBeGreaterThan(0);
    });
  }

  for (const encoding of ['product', 'concat']) {
    it(`leaves ${encoding} as it was: plain MLPs, nothing modulated, the observation's features not asking for it`, async () => {
      let forward: unknown;
      let seen: ReturnType<typeof liveModulations> | undefined;
      let asked: unknown;
      await recordRun(
        smallConfig({
          iterations: 2,
          estimator: { name: 'mlp', hidden: [16, 16] },
          condition: { ...FILM, encoding },
          objective: { name: 'subtb', backward: 'learned' },
          evaluation: { every: 2, atStart: false },
        }),
        {
          beforeRun: (container, bus) => {
            forward = container.get(TOKENS.ForwardEstimator);
            asked = (container.get(TOKENS.Environment) as unknown as { observationCondition(): { modulation: string } }).observationCondition().modulation;
            bus.iteration$.subscribe(() => {
              seen = liveModulations();
            });
          },
        },
      );
      expect(forward).toBeInstanceOf(Mlp);
      expect(asked).toBe('none');
      expect(seen!.roles.size).toBe(0);
    });
  }

  it('trains TB on a preference with FiLM: evaluated at each preference of the grid', async () => {
    const run = await recordRun(
      smallConfig({
        iterations: 6,
        env: { name: 'hypergrid', ndim: 2, height: 6, objectives: ['branin', 'currin'] },
        estimator: { name: 'mlp', hidden: [16, 16] },
        condition: { preference: { distribution: 'dirichlet', alpha: 1, exponent: 4 }, encoding: 'film' },
        evaluation: { every: 6, atStart: false, samples: 100 },
      }),
    );
    const { metrics } = run.evaluations.at(-1)!;
    expect(metrics['tv@branin=0.5,currin=0.5']).toBeGreaterThan(0);
    expect(metrics.hypervolume).toBeGreaterThan(0);
  });

  it('resumes bit for bit: 2 x 8 iterations with a resume = 16 straight, the checkpoint holding every Γ and Β', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'film',
      iterations: 16,
      estimator: { name: 'mlp', hidden: [16, 16] },
      condition: FILM,
      objective: { name: 'tb', backward: 'learned' },
      replay: { kind: 'prioritized', capacity: 100, ratio: 0.25 },
      evaluation: { every: 4 },
      checkpoint: { every: 4 },
      logging: { dir, progress: 'none' },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 8);
    const a = metricRecords(straight);
    expect(a.filter((r) => r.type === 'evaluation').map((r) => r.iteration)).toEqual([0, 4, 8, 12, 16]);
    expect(metricRecords(resumed)).toEqual(a);
    // P_F's checkpointed variables: W, b, Γ, Β of each hidden layer, then the output layer's W, b
    const saved = (readCheckpoint(straight).forward.variables as Array<{ name: string }>).map((v) => v.name.replace(/#\d+$/, ''));
    expect(saved).toEqual([
      'forward/layer0/w',
      'forward/layer0/b',
      'forward/layer0/film/gamma',
      'forward/layer0/film/beta',
      'forward/layer1/w',
      'forward/layer1/b',
      'forward/layer1/film/gamma',
      'forward/layer1/film/beta',
      'forward/layer2/w',
      'forward/layer2/b',
    ]);
    // the sampler restores the FiLM network: its exact P_T(·|β) is the one the run measured last
    const sampler = await loadSampler(straight, { seed: 3 });
    expect(sampler.forward).toBeInstanceOf(FilmMlp);
    if (!isConditional(sampler.env)) throw new Error('the run is conditional');
    const last = a.filter((r) => r.type === 'evaluation').at(-1)!;
    for (const beta of [0.5, 4]) {
      const at = sampler.env.at(Float32Array.of(beta));
      if (!isEnumerable(at)) throw new Error('hypergrid is enumerable');
      const tv = totalVariation(new ExactTerminatingDistribution(at).compute(sampler.forward), at.trueDistribution());
      expect(tv).toBeCloseTo(last[`tv@beta=${beta}`] as number, 9);
    }
    expect(sampler.sample(50, { condition: { beta: 4 } }).stateDim).toBe(2);
  });
});
