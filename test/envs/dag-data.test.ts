import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEnumerable } from '../../core/env/environment.js';
import { loadCsv, parseCsv, syntheticDagData } from '../../envs/dag/data.js';
import { createDagTask, type DagTaskOptions } from '../../envs/dag/task.js';
import { nodeFileAccess as files } from '../../plugins/node/file-access.js';
import { isAcyclicByDfs } from './dag-helpers.js';

describe('synthetic DAG data', () => {
  it('has the stated shape and is a DAG with weights exactly on its edges', () => {
    for (const d of [1, 2, 3, 5, 8]) {
      const s = syntheticDagData({ d, seed: 4 });
      expect(s.d).toBe(d);
      expect(s.nSamples).toBe(100);
      expect(s.data).toBeInstanceOf(Float64Array);
      expect(s.data.length).toBe(100 * d);
      expect(s.trueAdjacency.length).toBe(d * d);
      expect(isAcyclicByDfs(s.trueAdjacency, d)).toBe(true);
      for (let k = 0; k < d * d; k++) {
        expect(s.trueAdjacency[k] === 0 || s.trueAdjacency[k] === 1).toBe(true);
        expect(s.weights[k] !== 0).toBe(s.trueAdjacency[k] === 1);
      }
      for (const v of s.data) expect(Number.isFinite(v)).toBe(true);
    }
    expect(syntheticDagData({ d: 3, seed: 0, samples: 7 }).data.length).toBe(21);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = syntheticDagData({ d: 5, seed: 11 });
    const b = syntheticDagData({ d: 5, seed: 11 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.trueAdjacency)).toEqual(Array.from(b.trueAdjacency));
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    const c = syntheticDagData({ d: 5, seed: 12 });
    expect(Array.from(c.data)).not.toEqual(Array.from(a.data));
  });

  it('has d edges in expectation (p = 2/(d − 1)), capped at the complete DAG for d = 2', () => {
    for (const d of [4, 5, 8]) {
      let edges = 0;
      const seeds = 400;
      for (let seed = 0; seed < seeds; seed++) edges += syntheticDagData({ d, seed, samples: 1 }).trueAdjacency.reduce((x, y) => x + y, 0);
      // binomial with d(d−1)/2 trials: the standard error of the mean is below 0.1 here
      expect(Math.abs(edges / seeds - d)).toBeLessThan(0.35);
    }
    for (let seed = 0; seed < 20; seed++) expect(syntheticDagData({ d: 2, seed, samples: 1 }).trueAdjacency.reduce((x, y) => x + y, 0)).toBe(1);
  });

  it('relabels nodes: the generating order is not always the label order', () => {
    let upper = 0;
    let lower = 0;
    for (let seed = 0; seed < 50; seed++) {
      const { trueAdjacency: adj } = syntheticDagData({ d: 4, seed, samples: 1 });
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (adj[i * 4 + j]) i < j ? upper++ : lower++;
    }
    expect(upper).toBeGreaterThan(20);
    expect(lower).toBeGreaterThan(20);
  });

  it('samples a linear-Gaussian model: residuals given the true parents have the noise std', () => {
    const noiseStd = 0.1;
    const d = 6;
    const n = 5000;
    const s = syntheticDagData({ d, seed: 2, samples: n, noiseStd });
    expect(s.trueAdjacency.reduce((x, y) => x + y, 0)).toBeGreaterThan(2);
    for (let j = 0; j < d; j++) {
      let sum = 0;
      let sumSq = 0;
      for (let k = 0; k < n; k++) {
        let r = s.data[k * d + j]!;
        for (let i = 0; i < d; i++) r -= s.weights[i * d + j]! * s.data[k * d + i]!;
        sum += r;
        sumSq += r * r;
      }
      const mean = sum / n;
      // no bias; residual std = noise std (its sampling error is ~1% here)
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(Math.abs(Math.sqrt(sumSq / n - mean * mean) - noiseStd)).toBeLessThan(0.005);
    }
  });

  it('rejects bad options', () => {
    expect(() => syntheticDagData({ d: 0, seed: 0 })).toThrow(/d must be an integer >= 1/);
    expect(() => syntheticDagData({ d: 3, seed: 0, samples: 0 })).toThrow(/samples must be/);
    expect(() => syntheticDagData({ d: 3, seed: 0, noiseStd: 0 })).toThrow(/noiseStd must be/);
  });
});

describe('CSV data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfn-dag-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads a file with a header', () => {
    const got = loadCsv(file('h.csv', 'A,"B", C\n1,2,3\n-4.5,5e-1, .25\n\n'), files);
    expect(got).toMatchObject({ d: 3, nSamples: 2, names: ['A', 'B', 'C'] });
    expect(Array.from(got.data)).toEqual([1, 2, 3, -4.5, 0.5, 0.25]);
  });

  it('reads a file without a header (CRLF line ends)', () => {
    const got = loadCsv(file('n.csv', '1,2\r\n3,4\r\n5,6\r\n'), files);
    expect(got.d).toBe(2);
    expect(got.nSamples).toBe(3);
    expect(got.names).toBeUndefined();
    expect(Array.from(got.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the line of a ragged row', () => {
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'x.csv')).toThrow(/x\.csv: line 3 has 2 cells, expected 3/);
    expect(() => parseCsv('1,2\n3,4,5\n', 'y.csv')).toThrow(/y\.csv: line 2 has 3 cells, expected 2/);
  });

  it('names the line and column of a non-numeric cell', () => {
    expect(() => parseCsv('a,b\n1,2\n3,abc\n', 'x.csv')).toThrow(/x\.csv: line 3, column 2 \(b\): 'abc' is not a finite number/);
    expect(() => parseCsv('1,2\n3,\n', 'x.csv')).toThrow(/line 2, column 2: an empty cell is not a finite number/);
    expect(() => parseCsv('1,NaN\n', 'x.csv')).toThrow(/line 1, column 2: 'NaN'/);
    expect(() => parseCsv('1,0x10\n', 'x.csv')).toThrow(/line 1, column 2: '0x10'/);
    expect(() => parseCsv('1,1e999\n', 'x.csv')).toThrow(/line 1, column 2: '1e999'/);
    // a first line mixing names and numbers is data, and its names are not numbers
    expect(() => parseCsv('a,1\n2,3\n', 'x.csv')).toThrow(/line 1, column 1: 'a'/);
  });

  it('rejects empty input, a header without data, and an unreadable file', () => {
    expect(() => parseCsv('\n\n', 'e.csv')).toThrow(/e\.csv: no data/);
    expect(() => parseCsv('a,b\n', 'h.csv')).toThrow(/header on line 1 is followed by no data rows/);
    expect(() => loadCsv(join(dir, 'missing.csv'), files)).toThrow(/cannot read CSV file .*missing\.csv/);
  });

  it('feeds the dag task, whose d must match the column count', () => {
    const rows = Array.from({ length: 30 }, (_, k) => `${k % 7},${(k * k) % 5},${Math.sin(k)}`).join('\n');
    const path = file('task.csv', `x,y,z\n${rows}\n`);
    const base: DagTaskOptions = { d: 3, seed: 0, samples: 100, noiseStd: 0.1, csv: path, guideLogRewardThreshold: 0 };
    const env = createDagTask(base, files);
    expect(env.bge.nSamples).toBe(30);
    expect(isEnumerable(env)).toBe(true);
    expect(() => createDagTask({ ...base, d: 4 }, files)).toThrow(/has 3 columns but d = 4; set env.d to 3/);
  });
});
