import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExplorationOptions } from '../../core/policy/categorical.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { type RecordedRun, recordRun, smallConfig } from './run-helpers.js';

/** The numbers of a run without its timings. */
const numbers = (run: RecordedRun) => ({
  iterations: run.iterations.map((e) => e.metrics),
  evaluations: run.evaluations.map((e) => e.metrics),
});

/** One trajectory as a string key (states up to its exit, actions, log R). */
function key(batch: Trajectories, i: number): string {
  const len = batch.lengths[i]!;
  const parts: string[] = [];
  for (let t = 0; t < len; t++) parts.push(`${batch.state(t, i).join(',')}:${batch.action(t, i)}`);
  return `${parts.join(' ')} | ${batch.logRewards[i]}`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('exploration schedule in the trainer', () => {
  it('passes the scheduled ε and temperature of each iteration to the sampler', async () => {
    const calls: Array<[number, ExplorationOptions | undefined]> = [];
    // the trainer samples with the method that awaits the rewards
    const original = Sampler.prototype.sampleForwardAsync;
    vi.spyOn(Sampler.prototype, 'sampleForwardAsync').mockImplementation(function (this: Sampler, n: number, exploration?: ExplorationOptions) {
      calls.push([n, exploration]);
      return original.call(this, n, exploration);
    });
    await recordRun(
      smallConfig({ iterations: 6, sampler: { epsilon: 0.5, epsilonFinal: 0.1, epsilonDecayIterations: 4, temperature: 2 }, evaluation: { every: 0 } }),
    );
    // by hand: 0.5 − 0.4 · min(i, 4)/4
    const expected = [0.5, 0.4, 0.3, 0.2, 0.1, 0.1];
    expect(calls).toHaveLength(6);
    calls.forEach(([n, exploration], i) => {
      expect(n).toBe(16);
      expect(exploration!.epsilon).toBeCloseTo(expected[i]!, 12);
      expect(exploration!.temperature).toBe(2);
    });
  });
});

describe('replay in the trainer', () => {
  it('composes each batch from fresh and replayed trajectories; replayed ones come from earlier batches', async () => {
    const batches: Trajectories[] = [];
    const sizes: number[] = [];
    // the trainer samples with the method that awaits the rewards
    const original = Sampler.prototype.sampleForwardAsync;
    vi.spyOn(Sampler.prototype, 'sampleForwardAsync').mockImplementation(function (this: Sampler, n: number, exploration?: ExplorationOptions) {
      sizes.push(n);
      return original.call(this, n, exploration);
    });
    const run = await recordRun(smallConfig({ iterations: 12, replay: { kind: 'uniform', ratio: 0.25, capacity: 40 }, evaluation: { every: 0 } }), {
      beforeRun: (_c, bus) => bus.trajectories$.subscribe((e) => batches.push(e.batch)),
    });
    // round(0.25 · 16) = 4 replayed once the buffer holds 4: from iteration 1 on
    expect(sizes).toEqual([16, ...new Array<number>(11).fill(12)]);
    expect(batches.map((b) => b.nTraj)).toEqual(new Array<number>(12).fill(16));
    // trajectoriesSeen counts sampled trajectories only
    expect(run.iterations.map((e) => e.trajectoriesSeen)).toEqual(Array.from({ length: 12 }, (_, i) => 16 + 12 * i));
    const fresh: string[][] = batches.map((b, it) => Array.from({ length: it === 0 ? 16 : 12 }, (_, i) => key(b, i)));
    let replayedFromOlder = 0;
    for (let it = 1; it < 12; it++) {
      // the buffer holds (at most 40 of) the fresh trajectories of earlier iterations
      const earlier = new Set(fresh.slice(0, it).flat().slice(-40));
      for (let i = 12; i < 16; i++) {
        expect(earlier.has(key(batches[it]!, i))).toBe(true);
        if (!new Set(fresh[it - 1]).has(key(batches[it]!, i))) replayedFromOlder++;
      }
    }
    expect(replayedFromOlder).toBeGreaterThan(0);
  });

  it('enabling replay leaves the first (all-fresh) iteration unchanged and changes later ones', async () => {
    const base = numbers(await recordRun(smallConfig({ iterations: 5, evaluation: { every: 0 } })));
    for (const kind of ['uniform', 'prioritized', 'terminal']) {
      const withReplay = numbers(await recordRun(smallConfig({ iterations: 5, replay: { kind }, evaluation: { every: 0 } })));
      expect(withReplay.iterations[0]).toEqual(base.iterations[0]);
      expect(withReplay.iterations.slice(1)).not.toEqual(base.iterations.slice(1));
    }
  });

  it.each(['uniform', 'prioritized', 'terminal'])('same seed gives identical metrics with %s replay on', async (kind) => {
    const config = () => smallConfig({ iterations: 30, seed: 5, replay: { kind, ratio: 0.5 }, sampler: { epsilon: 0.05 }, evaluation: { every: 10 } });
    const a = numbers(await recordRun(config()));
    const b = numbers(await recordRun(config()));
    expect(a.iterations).toHaveLength(30);
    expect(a.evaluations.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    const c = numbers(
      await recordRun(smallConfig({ iterations: 30, seed: 6, replay: { kind, ratio: 0.5 }, sampler: { epsilon: 0.05 }, evaluation: { every: 10 } })),
    );
    expect(c).not.toEqual(a);
  });

  it.each(['uniform', 'prioritized', 'terminal'])('%s replay leaks no tensors (iteration 20 vs 150)', async (kind) => {
    const counts = new Map<number, number>();
    await recordRun(smallConfig({ iterations: 150, replay: { kind, capacity: 200 }, estimator: { name: 'mlp', hidden: [16, 16] }, evaluation: { every: 7 } }), {
      beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => counts.set(e.iteration, tf.memory().numTensors)),
    });
    expect(counts.get(20)).toBeGreaterThan(0);
    expect(counts.get(150)).toBe(counts.get(20));
  });

  it('a capacity below the replayed count per batch is a config error, naming the field', () => {
    expect(() => smallConfig({ iterations: 5, replay: { kind: 'uniform', capacity: 3, ratio: 0.5 } })).toThrow(
      /field "replay\.capacity" = 3.*8 trajectories replayed/,
    );
  });
});

describe('on-policy objectives refuse off-policy data in the config', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['epsilon > 0', { sampler: { epsilon: 0.1 } }, /on-policy: sampler\.epsilon.*got epsilon 0\.1/],
    [
      'a schedule that rises from 0',
      { sampler: { epsilon: 0, epsilonFinal: 0.2, epsilonDecayIterations: 50 } },
      /on-policy: sampler\.epsilon.*epsilonFinal 0\.2/,
    ],
    ['temperature ≠ 1', { sampler: { temperature: 2 } }, /on-policy:.*sampler\.temperature 1.*temperature 2/],
    ['replay', { replay: { kind: 'terminal' } }, /field "replay\.kind" = "terminal": objective 'rl' is on-policy.*"none"/],
  ];

  it.each(cases)('rl with %s', (_label, patch, message) => {
    expect(() => smallConfig({ iterations: 5, objective: { name: 'rl', backward: 'uniform' }, ...patch })).toThrow(message);
  });

  it('rl with a schedule that stays at ε = 0 trains', async () => {
    const run = await recordRun(
      smallConfig({
        iterations: 2,
        objective: { name: 'rl', backward: 'uniform' },
        sampler: { epsilon: 0, epsilonFinal: 0, epsilonDecayIterations: 10 },
        evaluation: { every: 0 },
      }),
    );
    expect(run.iterations).toHaveLength(2);
  });
});

describe('off-policy convergence (2-D H=8 R0=0.1, MLP 2x64, batch 16, seed 0)', () => {
  /** Stops at the first exact TV below 0.08 (of the learned P_F, not the behaviour policy). */
  const cases: Array<[string, Record<string, unknown>]> = [
    ['TB-U with sampler.epsilon 0.1', { sampler: { epsilon: 0.1 } }],
    ['TB-U with prioritized replay (ratio 0.5)', { replay: { kind: 'prioritized', ratio: 0.5 } }],
  ];

  it.each(cases)('%s reaches exact TV < 0.08', async (label, patch) => {
    const run = await recordRun(smallConfig({ iterations: 1500, objective: { name: 'tb', backward: 'uniform' }, evaluation: { every: 10 }, ...patch }), {
      stopBelowTv: 0.08,
    });
    const last = run.evaluations.at(-1)!;
    console.log(`${label}: TV ${last.metrics.tv!.toFixed(4)} at iteration ${last.iteration + 1}, |log Ẑ − log Z| ${last.metrics.logZError!.toFixed(4)}`);
    expect(last.metrics.tv).toBeLessThan(0.08);
  });
});
