import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { MODE_MILESTONES, ModeTracker } from '../../core/evaluation/mode-tracker.js';
import { modeCriterionOf } from '../../core/evaluation/mode-criterion.js';
import type { Environment } from '../../core/env/environment.js';
import { Rng } from '../../core/base/rng.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { createBitSeq } from '../../envs/sequence/bitseq.js';
import { recordRun, smallConfig } from '../training/run-helpers.js';

/*
 * `modesFound` counts the distinct modes among every trajectory training sampled, over the whole
 * run: checked against a brute-force count, and shown not to depend on `evaluation.every`.
 */

/** Is terminal `x` (a row) within `radius` of listed mode `m`, or above the threshold: brute force per pair. */
type IsMode = (x: Int32Array, logR: number) => number[];

/** Brute-force modes found and milestones over batches of terminals, batch k ending at trajectory count seen[k]. */
function bruteForce(
  batches: Array<{ terminals: Int32Array; logR: ArrayLike<number>; seen: number }>,
  d: number,
  total: number,
  isMode: IsMode,
): Record<string, number> {
  const found = new Set<number>();
  const out: Record<string, number> = { modesTotal: total };
  for (const b of batches) {
    for (let i = 0; i < b.logR.length; i++) for (const m of isMode(b.terminals.subarray(i * d, i * d + d), b.logR[i]!)) found.add(m);
    for (const f of MODE_MILESTONES) {
      const key = `trajectoriesTo${Math.round(f * 100)}pct`;
      if (out[key] === undefined && found.size >= Math.ceil(f * total)) out[key] = b.seen;
    }
  }
  out.modesFound = found.size;
  return out;
}

/** `count` random terminal states of a sequence env: every position filled. */
function randomSequences(env: Environment, nbase: number, count: number, rng: Rng): Int32Array {
  const x = new Int32Array(count * env.stateDim);
  for (let k = 0; k < x.length; k++) x[k] = Math.floor(rng.uniform() * nbase);
  return x;
}

describe('mode tracker against a brute-force count', () => {
  it('reward threshold (HyperGrid 2-D H=8): random cells in batches', () => {
    const env = new HyperGrid({ ndim: 2, height: 8, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
    const rng = new Rng(5);
    const tracker = new ModeTracker(modeCriterionOf(env)!);
    const maxLogR = Math.log(0.01 + 0.5 + 2);
    const batches = [];
    let seen = 0;
    for (let k = 0; k < 12; k++) {
      const n = 1 + Math.floor(rng.uniform() * 6);
      const terminals = Int32Array.from({ length: 2 * n }, () => Math.floor(rng.uniform() * 8));
      const logR = env.logReward(terminals);
      seen += n;
      tracker.observe(terminals, logR, seen);
      batches.push({ terminals, logR, seen });
    }
    // modes: cells whose every coordinate is 1 or 6 (the ring), i.e. reward R0 + R1 + R2
    const expected = bruteForce(batches, 2, 4, (x, l) => (Math.abs(l - maxLogR) < 1e-9 ? [x[0]! * 8 + x[1]!] : []));
    expect(expected.modesFound).toBeGreaterThan(0);
    expect(tracker.metrics()).toEqual(expected);
  });

  for (const radius of [0, 1]) {
    it(`listed modes within radius ${radius} (bitseq n=8): random sequences`, () => {
      const env = createBitSeq({ ndim: 8, groups: 2, modesPerGroup: 3, modeRadius: radius });
      const modes = env.modeStates();
      const d = env.stateDim;
      const nModes = modes.length / d;
      const rng = new Rng(9 + radius);
      const tracker = new ModeTracker(modeCriterionOf(env)!);
      const batches = [];
      let seen = 0;
      for (let k = 0; k < 10; k++) {
        // half random sequences, half copies of modes with one symbol changed, so that some hit
        const random = randomSequences(env, env.nbase, 20, rng);
        for (let i = 0; i < 10; i++) {
          const m = Math.floor(rng.uniform() * nModes);
          random.set(modes.subarray(m * d, m * d + d), i * d);
          if (rng.uniform() < 0.5) random[i * d + Math.floor(rng.uniform() * d)] = Math.floor(rng.uniform() * env.nbase);
        }
        const logR = env.logReward(random);
        seen += 20;
        tracker.observe(random, logR, seen);
        batches.push({ terminals: random, logR, seen });
      }
      const hamming = (a: Int32Array, b: Int32Array): number => a.reduce((s, v, c) => s + (v === b[c] ? 0 : 1), 0);
      const expected = bruteForce(batches, d, nModes, (x) => {
        const hit: number[] = [];
        for (let m = 0; m < nModes; m++) if (hamming(x, modes.subarray(m * d, m * d + d)) <= radius) hit.push(m);
        return hit;
      });
      expect(expected.modesFound).toBeGreaterThan(0);
      expect(tracker.metrics()).toEqual(expected);
    });
  }
});

/** The run's iteration metrics and its last evaluation's mode metrics, and every sampled batch's terminals. */
async function modesOfRun(config: ResolvedConfig) {
  const batches: Array<{ terminals: Int32Array; logR: Float64Array; seen: number }> = [];
  let seen = 0;
  const rec = await recordRun(config, {
    beforeRun: (_c, bus) =>
      bus.trajectories$.subscribe((e) => {
        seen += e.batch.nTraj;
        batches.push({ terminals: e.batch.terminalStates(), logR: e.batch.logRewards, seen });
      }),
  });
  const last = rec.evaluations[rec.evaluations.length - 1]!;
  const modes = Object.fromEntries(Object.entries(last.metrics).filter(([k]) => k === 'modesFound' || k === 'modesTotal' || k.startsWith('trajectoriesTo')));
  return { rec, last, modes, batches };
}

describe('modesFound does not depend on evaluation.every (exact evaluation)', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['HyperGrid 2-D H=8 (threshold modes)', {}],
    ['bitseq n=6 (listed modes)', { env: { name: 'bitseq', ndim: 6 } }],
  ];
  for (const [label, patch] of cases) {
    it(`${label}: every 5 and every 20 report the same modes and milestones at iteration 40, = the brute-force count over training's samples`, async () => {
      const base = { iterations: 40, ...patch };
      const a = await modesOfRun(smallConfig({ ...base, evaluation: { every: 5, samples: 50 } }));
      const b = await modesOfRun(smallConfig({ ...base, evaluation: { every: 20, samples: 50 } }));
      expect(a.last.method).toBe('exact');
      expect(a.last.iteration).toBe(40);
      expect(b.last.iteration).toBe(40);
      // the same training (evaluation draws from its own stream)
      expect(b.rec.iterations.map((e) => e.metrics)).toEqual(a.rec.iterations.map((e) => e.metrics));
      expect(b.modes).toEqual(a.modes);
      expect(a.modes.modesFound).toBeGreaterThan(0);
      // the evaluator's own draws from P_T (listed modes only) are reported apart: more evaluations, more draws
      if (!label.startsWith('HyperGrid')) expect(a.last.metrics.evalModesFound).toBeGreaterThanOrEqual(b.last.metrics.evalModesFound!);
      // brute force, state by state: a grid mode is a cell of maximal reward; a bitseq mode a listed mode state itself (radius 0)
      let expected: Record<string, number>;
      if (label.startsWith('HyperGrid')) {
        const maxLogR = Math.log(0.1 + 0.5 + 2);
        expected = bruteForce(a.batches, 2, 4, (x, l) => (Math.abs(l - maxLogR) < 1e-9 ? [x[0]! * 8 + x[1]!] : []));
      } else {
        const env = createBitSeq({ ndim: 6 });
        const modes = env.modeStates();
        const d = env.stateDim;
        const nModes = modes.length / d;
        expected = bruteForce(a.batches, d, nModes, (x) => {
          for (let m = 0; m < nModes; m++) if (x.every((v, c) => v === modes[m * d + c])) return [m];
          return [];
        });
      }
      expect(a.modes.modesFound).toBe(expected.modesFound);
      for (const k of ['trajectoriesTo10pct', 'trajectoriesTo50pct', 'trajectoriesTo100pct']) expect(a.modes[k], k).toBe(expected[k]);
    }, 120_000);
  }
});
