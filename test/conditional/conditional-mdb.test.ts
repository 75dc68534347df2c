import { describe, expect, it } from 'vitest';
import { TransitionReplay } from '../../algorithms/value-based/transition-replay.js';
import { Rng } from '../../core/base/rng.js';
import { logRewardDeltas } from '../../core/env/log-reward-delta.js';
import { DagEnv } from '../../envs/dag/dag-env.js';
import { syntheticDagData } from '../../envs/dag/data.js';
import { enumerateDags } from '../../envs/dag/enumerate.js';
import { metricRecords, straightAndResumed, tempRunsDir } from '../checkpoint/helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';
import { conditional } from './helpers.js';

/*
 * MDB conditioned on β, on the DAG task (every state terminal): its residual's log R(s') − log R(s)
 * is that of the tempered target, β times the BGe delta score, on every transition of the 25 DAGs
 * of d = 3; its transition buffer keeps the condition columns (float32 bits) exactly, through a
 * checkpoint too; a run trains with finite per-condition metrics and resumes bit for bit.
 */
const GRID = [0.5, 2];
const sample = syntheticDagData({ d: 3, seed: 3, samples: 50 });
const base = new DagEnv({ d: 3, data: sample.data, nSamples: 50 });
const env = conditional(base, { grid: GRID });

/** Every non-exit transition from every DAG of d = 3: the start states and actions. */
function everyTransition(): { states: Int32Array; actions: Int32Array } {
  const { states: dags, count } = enumerateDags(3);
  const d = base.stateDim;
  const mask = base.forwardMask(dags);
  const states: number[] = [];
  const actions: number[] = [];
  for (let i = 0; i < count; i++)
    for (let a = 0; a < base.nActions - 1; a++)
      if (mask[i * base.nActions + a]) {
        states.push(...dags.subarray(i * d, i * d + d));
        actions.push(a);
      }
  return { states: Int32Array.from(states), actions: Int32Array.from(actions) };
}

describe('conditional MDB', () => {
  it('reads β·(log R(s′) − log R(s)) on every transition of the 25 DAGs of d = 3', () => {
    const { states, actions } = everyTransition();
    expect(actions.length).toBeGreaterThan(25);
    const own = base.logRewardDelta(states, actions);
    for (const beta of [0.5, 1.5, 3.25]) {
      const conditioned = env.withCondition(states, Float32Array.of(beta));
      const got = logRewardDeltas(env, conditioned, actions, env.step(conditioned, actions));
      let worst = 0;
      for (let k = 0; k < own.length; k++) worst = Math.max(worst, Math.abs(got[k]! - beta * own[k]!) / Math.max(1, Math.abs(beta * own[k]!)));
      expect(worst).toBeLessThan(1e-9);
    }
  });

  it('its transition buffer returns the condition columns bit for bit, and restores them from its state', () => {
    const { states, actions } = everyTransition();
    const n = actions.length;
    const betas = Float32Array.from({ length: n }, (_, k) => 0.5 + (1.5 * k) / n);
    const conditioned = env.withCondition(states, betas);
    const replay = new TransitionReplay(n, env.stateDim, env.stateDim - base.stateDim);
    replay.add(conditioned, actions, new Float64Array(n));
    const restored = new TransitionReplay(n, env.stateDim, env.stateDim - base.stateDim);
    restored.loadState(replay.saveState());
    for (const buffer of [replay, restored]) {
      const drawn = buffer.sample(n, new Rng(1));
      const rows = new Set<string>();
      for (let k = 0; k < n; k++) rows.add(`${Array.from(drawn.states.subarray(k * env.stateDim, (k + 1) * env.stateDim))}|${drawn.actions[k]}`);
      const want = new Set<string>();
      for (let k = 0; k < n; k++) want.add(`${Array.from(conditioned.subarray(k * env.stateDim, (k + 1) * env.stateDim))}|${actions[k]}`);
      expect(rows).toEqual(want);
    }
  });

  it('trains on the DAG task conditioned on β with finite per-condition metrics, and resumes bit for bit', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'cond-mdb',
      iterations: 20,
      batchSize: 4,
      env: { name: 'dag', d: 3, seed: 1 },
      condition: { beta: { distribution: 'log-uniform', min: 0.5, max: 2 }, grid: GRID },
      sampler: { epsilon: 0.5 },
      objective: { name: 'mdb', lr: 1e-3, prefill: 16, transitionBatch: 8, replayCapacity: 60, targetEvery: 5 },
      estimator: { name: 'mlp', hidden: [16] },
      evaluation: { every: 10 },
      checkpoint: { every: 5 },
      logging: { dir, progress: 'none' },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 10);
    const records = metricRecords(straight);
    const iterations = records.filter((r) => r.type === 'iteration');
    // training started after the prefill, and the buffer wrapped around (capacity 60) before the resume point
    expect(iterations.filter((r) => (r.loss as number) > 0).length).toBeGreaterThan(10);
    for (const r of iterations) expect(Number.isFinite(r.loss)).toBe(true);
    expect(iterations.some((r) => r.replaySize === 60 && (r.iteration as number) <= 10)).toBe(true);
    const evaluations = records.filter((r) => r.type === 'evaluation');
    expect(evaluations.map((r) => r.iteration)).toEqual([0, 10, 20]);
    for (const e of evaluations)
      for (const b of GRID) {
        expect(e[`tv@beta=${b}`]).toBeGreaterThan(0);
        expect(Number.isFinite(e[`kl@beta=${b}`])).toBe(true);
      }
    expect(metricRecords(resumed)).toEqual(records);
  });
});
