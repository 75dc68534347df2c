import { describe, expect, it } from 'vitest';
import { isEnumerable } from '../../core/env/environment.js';
import { Rng } from '../../core/base/rng.js';
import { addEdgeToClosure, transitiveClosure } from '../../envs/dag/closure.js';
import { syntheticDagData } from '../../envs/dag/data.js';
import { createDagEnv, EnumerableDagEnv } from '../../envs/dag/enumerable-dag-env.js';
import { enumerateDags } from '../../envs/dag/enumerate.js';
import { dagEnv, enumerableEnv, isAcyclicByDfs, randomDag, reachableByDfs, robinsonDagCount } from './dag-helpers.js';

describe('DAG enumeration', () => {
  it.each([1, 2, 3, 4, 5])('lists every DAG on %i nodes once, parents first', (d) => {
    const t0 = performance.now();
    const { count, states, index } = enumerateDags(d);
    const ms = performance.now() - t0;
    if (d === 5) console.log(`enumerating the ${count} DAGs on 5 nodes: ${ms.toFixed(1)} ms`);
    expect(count).toBe([1, 3, 25, 543, 29281][d - 1]);
    expect(count).toBe(robinsonDagCount(d));
    const d2 = d * d;
    expect(states.length).toBe(count * d2);
    const seen = new Set<string>();
    let prevEdges = 0;
    for (let s = 0; s < count; s++) {
      const row = states.subarray(s * d2, s * d2 + d2);
      const key = row.join('');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      expect(isAcyclicByDfs(row, d)).toBe(true);
      const edges = row.reduce((x, y) => x + y, 0);
      expect(edges).toBeGreaterThanOrEqual(prevEdges);
      prevEdges = edges;
    }
    expect(index.size).toBe(count);
    expect(states.subarray(0, d2).every((v) => v === 0)).toBe(true);
  });

  it('orders parents before children for every edge removal', () => {
    const env = enumerableEnv(4);
    const all = env.allStates();
    const d2 = 16;
    for (let s = 0; s < env.nStates; s++) {
      const row = all.subarray(s * d2, s * d2 + d2);
      const acts = Int32Array.from(Array.from(row).flatMap((v, k) => (v ? [k] : [])));
      if (acts.length === 0) continue;
      const parents = env.backwardStep(
        Int32Array.from({ length: acts.length * d2 }, (_, k) => row[k % d2]!),
        acts,
      );
      for (const p of env.stateIndex(parents)) expect(p).toBeLessThan(s);
    }
  });

  it('is only offered up to d = 5', () => {
    const s = syntheticDagData({ d: 6, seed: 0 });
    expect(() => new EnumerableDagEnv({ d: 6, data: s.data, nSamples: s.nSamples })).toThrow(/supports d ≤ 5, got d = 6/);
    expect(() => enumerateDags(6)).toThrow(/1 ≤ d ≤ 5/);
    const big = createDagEnv({ d: 6, data: s.data, nSamples: s.nSamples });
    expect(isEnumerable(big)).toBe(false);
    expect(isEnumerable(dagEnv(5))).toBe(true);
    expect(big.forwardMask(big.s0).reduce((x, y) => x + y, 0)).toBe(6 * 5 + 1);
  });

  it('stateIndex rejects a graph with a cycle', () => {
    const env = enumerableEnv(3);
    expect(() => env.stateIndex(Int32Array.from([0, 1, 0, 0, 0, 1, 1, 0, 0]))).toThrow(/row 0 is not a DAG on 3 nodes/);
  });
});

describe('reachability masks', () => {
  it('the bitmask closure and its incremental update agree with DFS', () => {
    const rng = new Rng(31);
    for (let trial = 0; trial < 300; trial++) {
      const d = 2 + rng.int(9);
      const adj = randomDag(d, rng.uniform(), rng);
      const reach = transitiveClosure(adj, 0, d);
      for (let u = 0; u < d; u++) {
        const dfs = reachableByDfs(adj, d, u);
        for (let v = 0; v < d; v++) expect(((reach[u]! >>> v) & 1) === 1).toBe(dfs.has(v));
      }
      // add one allowed edge, update incrementally, compare with a recompute
      const candidates: Array<[number, number]> = [];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (!adj[i * d + j] && !((reach[j]! >>> i) & 1)) candidates.push([i, j]);
      if (candidates.length === 0) continue;
      const [i, j] = candidates[rng.int(candidates.length)]!;
      adj[i * d + j] = 1;
      addEdgeToClosure(reach, i, j, d);
      expect(Array.from(reach)).toEqual(Array.from(transitiveClosure(adj, 0, d)));
    }
  });

  it.each([3, 5, 7, 8])('forward masks allow exactly the acyclic additions along random trajectories (d = %i)', (d) => {
    const env = dagEnv(d);
    const rng = new Rng(40 + d);
    const rows = 40;
    const d2 = d * d;
    let states: Int32Array = new Int32Array(rows * d2);
    let active = rows;
    let steps = 0;
    let saturated = 0;
    while (active > 0) {
      const mask = env.forwardMask(states);
      const actions: number[] = [];
      const keep: number[] = [];
      for (let r = 0; r < states.length / d2; r++) {
        const row = states.subarray(r * d2, r * d2 + d2);
        const allowed: number[] = [];
        for (let a = 0; a < d2; a++) {
          const trial = row.slice();
          trial[a] = 1;
          const ok = !row[a] && isAcyclicByDfs(trial, d);
          expect(mask[r * env.nActions + a] === 1, `row ${r}, edge ${Math.floor(a / d)}→${a % d}`).toBe(ok);
          if (ok) allowed.push(a);
        }
        expect(mask[r * env.nActions + d2]).toBe(1);
        if (allowed.length === 0) {
          // nothing can be added only to a complete DAG (a transitive tournament)
          expect(row.reduce((x, y) => x + y, 0)).toBe((d * (d - 1)) / 2);
          saturated++;
          continue;
        }
        // otherwise stop a row (exit) with probability 0.05
        if (rng.uniform() < 0.05) continue;
        keep.push(r);
        actions.push(allowed[rng.int(allowed.length)]!);
      }
      if (keep.length === 0) break;
      const next = new Int32Array(keep.length * d2);
      keep.forEach((r, k) => next.set(states.subarray(r * d2, r * d2 + d2), k * d2));
      states = env.step(next, Int32Array.from(actions));
      for (let r = 0; r < keep.length; r++) expect(isAcyclicByDfs(states, d, r * d2)).toBe(true);
      active = keep.length;
      steps++;
      // a DAG has at most d(d−1)/2 edges: one action less than the longest trajectory
      expect(steps).toBeLessThanOrEqual(env.maxTrajectoryLength - 1);
    }
    expect(saturated).toBeGreaterThan(0);
    expect(steps).toBe((d * (d - 1)) / 2);
  });
});

describe('DagEnv transitions', () => {
  it.each([3, 5])('backwardStep undoes step and step undoes backwardStep (d = %i)', (d) => {
    const env = dagEnv(d);
    const rng = new Rng(7 + d);
    const d2 = d * d;
    const n = 200;
    const states = new Int32Array(n * d2);
    for (let r = 0; r < n; r++) states.set(randomDag(d, rng.uniform(), rng), r * d2);
    const fmask = env.forwardMask(states);
    const bmask = env.backwardMask(states);
    const fwd: number[] = [];
    const bwd: number[] = [];
    const fRows: number[] = [];
    const bRows: number[] = [];
    for (let r = 0; r < n; r++) {
      const f = Array.from({ length: d2 }, (_, a) => a).filter((a) => fmask[r * env.nActions + a]);
      const b = Array.from({ length: d2 }, (_, a) => a).filter((a) => bmask[r * d2 + a]);
      expect(b.length).toBe(states.subarray(r * d2, r * d2 + d2).reduce((x, y) => x + y, 0));
      if (f.length) fRows.push(r), fwd.push(f[rng.int(f.length)]!);
      if (b.length) bRows.push(r), bwd.push(b[rng.int(b.length)]!);
    }
    expect(fRows.length).toBeGreaterThan(100);
    expect(bRows.length).toBeGreaterThan(100);
    const pick = (rows: number[]): Int32Array => {
      const out = new Int32Array(rows.length * d2);
      rows.forEach((r, k) => out.set(states.subarray(r * d2, r * d2 + d2), k * d2));
      return out;
    };
    const fFrom = pick(fRows);
    const fTo = env.step(fFrom, Int32Array.from(fwd));
    expect(Array.from(fTo)).not.toEqual(Array.from(fFrom));
    expect(Array.from(env.backwardStep(fTo, Int32Array.from(fwd)))).toEqual(Array.from(fFrom));
    const bFrom = pick(bRows);
    const bTo = env.backwardStep(bFrom, Int32Array.from(bwd));
    expect(Array.from(env.step(bTo, Int32Array.from(bwd)))).toEqual(Array.from(bFrom));
  });

  it('rejects invalid steps with clear errors', () => {
    const env = dagEnv(3);
    const chain = Int32Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0]); // 0→1→2
    expect(() => env.step(chain, Int32Array.from([6]))).toThrow(/adding 2→0 in row 0 would create a cycle/);
    expect(() => env.step(chain, Int32Array.from([4]))).toThrow(/1→1 in row 0 would be a self-loop/);
    expect(() => env.step(chain, Int32Array.from([1]))).toThrow(/edge 0→1 is already present/);
    expect(() => env.step(chain, Int32Array.from([9]))).toThrow(/not an edge/);
    expect(() => env.backwardStep(chain, Int32Array.from([2]))).toThrow(/edge 0→2 is absent/);
    expect(() => env.step(chain, Int32Array.from([2, 2]))).toThrow(/2 actions for 1 states/);
  });

  it('has the stated shapes, encoding and initial state', () => {
    const env = dagEnv(4);
    expect(env).toMatchObject({ name: 'dag', stateDim: 16, nActions: 17, obsDim: 16, maxTrajectoryLength: 7 });
    const adj = Int32Array.from([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    const both = Int32Array.from([...adj, ...env.s0]);
    expect(Array.from(env.encode(both))).toEqual(Array.from(both));
    expect(Array.from(env.isInitial(both))).toEqual([0, 1]);
    expect(env.logReward(env.s0)[0]).toBe(0);
  });
});
