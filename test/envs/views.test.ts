import { describe, expect, it } from 'vitest';
import type { Environment } from '../../core/env/environment.js';
import type { HeatmapsView, TableView } from '../../core/env/view.js';
import { evaluationViewOf } from '../../core/env/view.js';
import { Rng } from '../../core/base/rng.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { MAX_VIEW_SIDE } from '../../envs/hypergrid-view.js';
import { createBitSeq } from '../../envs/sequence/bitseq.js';
import { dagEnv, enumerableEnv } from './dag-helpers.js';

function grid(ndim: number, height: number, rewardCos = false): HyperGrid {
  return new HyperGrid({ ndim, height, R0: 0.01, R1: 0.5, R2: 2, rewardCos });
}

/** Brute-force marginal of a distribution over all states onto the first min(ndim, 2) coordinates. */
function bruteMarginal(env: HyperGrid, p: Float64Array): Float64Array {
  const { height } = env.options;
  const k = Math.min(env.stateDim, 2);
  const all = env.allStates();
  const out = new Float64Array(height ** k);
  for (let s = 0; s < env.nStates; s++) {
    const cell = k === 2 ? all[s * env.stateDim]! * height + all[s * env.stateDim + 1]! : all[s * env.stateDim]!;
    out[cell]! += p[s]!;
  }
  return out;
}

function randomDistribution(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const p = Float64Array.from({ length: n }, () => rng.uniform());
  const z = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / z);
}

function heatmaps(view: ReturnType<typeof evaluationViewOf>): HeatmapsView {
  if (view?.kind !== 'heatmaps') throw new Error(`expected a heatmaps view, got ${JSON.stringify(view)}`);
  return view;
}

describe('HyperGrid evaluation view', () => {
  it.each([
    [2, 7, false],
    [3, 5, false],
    [3, 6, true],
    [1, 9, false],
  ])(
    'factorised reward equals R(s) on every state, and the closed-form R/Z marginal equals the enumerated one (ndim %i, H %i, cos %s)',
    (ndim, height, cos) => {
      const env = grid(ndim, height, cos);
      const { constant, terms } = env.factorisedReward();
      const all = env.allStates();
      for (let s = 0; s < env.nStates; s++) {
        const row = all.subarray(s * ndim, s * ndim + ndim);
        const factorised = terms.reduce((acc, t) => acc + t.weight * Array.from(row).reduce((p, v) => p * t.factor[v]!, 1), constant);
        expect(factorised).toBeCloseTo(env.reward(row), 12);
      }
      const pT = randomDistribution(env.nStates, 3);
      const view = heatmaps(env.evaluationView({ terminating: pT }));
      expect(view.panels.map((p) => p.title)).toEqual(['learned P_T', 'target R/Z']);
      const learned = bruteMarginal(env, pT);
      const target = bruteMarginal(env, env.trueDistribution());
      view.panels[0]!.values.forEach((v, i) => expect(v).toBeCloseTo(learned[i]!, 12));
      view.panels[1]!.values.forEach((v, i) => expect(v).toBeCloseTo(target[i]!, 12));
      expect(view.rows * view.cols).toBe(ndim >= 2 ? height * height : height);
    },
  );

  it('sums blocks of cells when the side exceeds the limit, keeping the total mass', () => {
    const height = 2 * MAX_VIEW_SIDE + 3; // blocks of 3, ceil(67 / 3) = 23 per side
    const env = grid(2, height);
    const p = env.trueDistribution();
    const view = heatmaps(env.evaluationView({ terminating: p }));
    expect(view.rows).toBe(23);
    expect(view.cols).toBe(23);
    const full = bruteMarginal(env, p);
    // the block at (r, c) = 5, 7 covers s0 in [15, 18) and s1 in [21, 24)
    let block = 0;
    for (let a = 15; a < 18; a++) for (let b = 21; b < 24; b++) block += full[a * height + b]!;
    expect(view.panels[1]!.values[5 * 23 + 7]).toBeCloseTo(block, 12);
    for (const panel of view.panels) expect(panel.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // the last block row and column are partial (67 = 22·3 + 1): cell (22, 22) is the single corner state
    expect(view.panels[1]!.values[22 * 23 + 22]).toBeCloseTo(full[(height - 1) * height + height - 1]!, 12);
  });

  it('shows sample frequencies when there is no exact P_T', () => {
    const env = grid(3, 4);
    const samples = Int32Array.from([0, 1, 3, 0, 1, 0, 2, 2, 2, 0, 1, 1]);
    const view = heatmaps(env.evaluationView({ samples }));
    expect(view.panels[0]!.title).toBe('sampled frequency (4 samples)');
    const freq = view.panels[0]!.values;
    expect(freq[0 * 4 + 1]).toBeCloseTo(0.75, 12);
    expect(freq[2 * 4 + 2]).toBeCloseTo(0.25, 12);
    expect(freq.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(env.evaluationView({})).toBeUndefined();
  });
});

describe('DAG evaluation view', () => {
  it("shows the edge marginals of P_T next to the exact posterior's, and sample frequencies", () => {
    const env = enumerableEnv(3, 1);
    const pT = randomDistribution(env.nStates, 5);
    const view = heatmaps(env.evaluationView({ terminating: pT }));
    expect([view.rows, view.cols, view.showValues]).toEqual([3, 3, true]);
    expect(view.panels.map((p) => p.title)).toEqual(['learned (P_T)', 'exact posterior']);
    // brute force: Σ_G p(G)·adj_G
    const all = env.allStates();
    const want = new Float64Array(9);
    for (let s = 0; s < env.nStates; s++) for (let k = 0; k < 9; k++) want[k]! += pT[s]! * all[s * 9 + k]!;
    view.panels[0]!.values.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 12));
    const truth = env.trueDistribution();
    const wantTrue = new Float64Array(9);
    for (let s = 0; s < env.nStates; s++) for (let k = 0; k < 9; k++) wantTrue[k]! += truth[s]! * all[s * 9 + k]!;
    view.panels[1]!.values.forEach((v, k) => expect(v).toBeCloseTo(wantTrue[k]!, 12));

    const samples = Int32Array.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    const sampled = heatmaps(env.evaluationView({ samples }));
    expect(sampled.panels[0]!.title).toBe('sampled (2 graphs)');
    expect(sampled.panels[0]!.values.slice(0, 3)).toEqual([0, 1, 0.5]);
    // a graph too large to enumerate still shows its samples, without an exact panel
    const big = dagEnv(7, 1);
    const one = new Int32Array(49);
    one[1] = 1;
    expect(heatmaps(big.evaluationView({ samples: one })).panels.map((p) => p.title)).toEqual(['sampled (1 graphs)']);
  });
});

describe('sequence evaluation view', () => {
  it('lists the best distinct samples by reward with counts, and P_T and R/Z under exact evaluation', () => {
    const env = createBitSeq({ ndim: 4, groups: 1, modesPerGroup: 2 });
    const all = env.allStates();
    const full: number[] = [];
    for (let s = 0; s < env.nStates; s++) if (env.isTerminalIndex(s)) full.push(s);
    const pick = [full[0]!, full[0]!, full[5]!, full[15]!, full[15]!, full[15]!];
    const samples = new Int32Array(pick.length * 4);
    pick.forEach((s, i) => samples.set(all.subarray(s * 4, s * 4 + 4), i * 4));
    const pT = randomDistribution(env.nStates, 9);
    const view = env.evaluationView({ terminating: pT, samples }) as TableView;
    expect(view.kind).toBe('table');
    expect(view.columns).toEqual(['sequence', 'log R', 'times drawn', 'P_T(x)', 'R(x)/Z']);
    expect(view.rows).toHaveLength(3);
    const logRs = view.rows.map((r) => r[1] as number);
    expect([...logRs].sort((a, b) => b - a)).toEqual(logRs);
    const logZ = env.logPartition();
    for (const row of view.rows) {
      const seq = Int32Array.from(String(row[0]), (ch) => Number(ch));
      const s = env.stateIndex(seq)[0]!;
      expect(row[1]).toBe(env.logReward(seq)[0]);
      expect(row[2]).toBe(pick.filter((p) => p === s).length);
      expect(row[3]).toBe(pT[s]);
      expect(row[4]).toBeCloseTo(Math.exp(env.logReward(seq)[0]! - logZ), 12);
    }
    expect((env.evaluationView({ samples }) as TableView).columns).toEqual(['sequence', 'log R', 'times drawn']);
    expect(env.evaluationView({ terminating: pT })).toBeUndefined();
  });

  it('environments without the capability give no view', () => {
    const plain = { name: 'plain', stateDim: 1 } as unknown as Environment;
    expect(evaluationViewOf(plain, { samples: new Int32Array(4) })).toBeUndefined();
    expect(evaluationViewOf(grid(2, 3), { samples: new Int32Array(4) })?.kind).toBe('heatmaps');
  });
});
