import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import { TOKENS } from '../../../core/di/tokens.js';
import { createRunContainer } from '../../../core/run/container.js';
import { actorSeed } from '../../../core/sampling/actor-link.js';
import { explorationAt } from '../../../core/sampling/exploration.js';
import { InThreadTrajectorySource } from '../../../core/sampling/trajectory-source.js';
import { recordDraws, smallConfig } from '../run-helpers.js';
import { actorRun, inThread, numbersOf } from './actor-run.js';

/** A temperature-conditional run (docs/conditional.md) with two actors in this thread, in lockstep. */
const config = (patch: Record<string, unknown> = {}) =>
  smallConfig(
    {
      iterations: 6,
      evaluation: { every: 0 },
      objective: { name: 'tb', backward: 'uniform', logRewardClip: -20 },
      condition: { beta: { distribution: 'log-uniform', min: 0.5, max: 4 } },
      actors: 2,
      actorSchedule: 'lockstep',
      maxLag: 1,
      ...patch,
    },
    inThread,
  );

describe('actors: a conditional run', () => {
  it('each actor draws its trajectories’ conditions from its own stream on the conditioned environment; the same config gives the same numbers', async () => {
    const c = config();
    const { snapshots, fresh } = await recordDraws(c, inThread);
    expect(fresh).toHaveLength(6);
    const container = createRunContainer({ ...c, actors: 0 }, inThread, 'wasm');
    const env = container.get(TOKENS.Environment);
    const plainStateDim = createRunContainer({ ...c, actors: 0, condition: undefined }, inThread, 'wasm');
    // one condition column (β's float32 bits) after the grid's own coordinates
    expect(env.stateDim).toBe(plainStateDim.get(TOKENS.Environment).stateDim + 1);
    expect(plainStateDim.dispose()).toEqual([]);
    const sources = [0, 1].map((a) => new InThreadTrajectorySource(env, container.get(TOKENS.ForwardEstimator), new Rng(actorSeed(c.seed, a))));
    for (let k = 1; k <= 6; k++) {
      const version = Math.max(0, k - 2);
      const source = sources[(k - 1) % 2]!;
      source.request({ n: c.batchSize, exploration: explorationAt(c.sampler, k - 1) }, { version, values: snapshots[version]! });
      const batch = await source.next();
      expect(batch.trajectories.states, `batch ${k}`).toEqual(fresh[k - 1]!.states);
      expect(batch.trajectories.logRewards).toEqual(fresh[k - 1]!.logRewards);
    }
    // the trajectories of a batch carry different β, each within the sampled range
    const t = fresh[0]!;
    const betas = new Set<number>();
    const bits = new Int32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    for (let i = 0; i < t.nTraj; i++) {
      bits[0] = t.state(0, i)[t.stateDim - 1]!;
      betas.add(asFloat[0]!);
    }
    expect(betas.size).toBeGreaterThan(1);
    for (const beta of betas) {
      expect(beta).toBeGreaterThanOrEqual(0.5 - 1e-6);
      expect(beta).toBeLessThanOrEqual(4 + 1e-6);
    }
    expect(container.dispose()).toEqual([]);

    const a = await actorRun(c, inThread);
    const b = await actorRun(c, inThread);
    expect(numbersOf(b)).toEqual(numbersOf(a));
    expect(a.iterations.every((e) => Object.values(e.metrics).every(Number.isFinite))).toBe(true);
  });
});
