import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { ConditionalEnvironment } from '../../core/env/condition/conditional-environment.js';
import { PreferenceSpace } from '../../core/env/condition/preference-space.js';
import { isEnumerable } from '../../core/env/environment.js';
import { multiObjectiveMeasure } from '../../core/evaluation/multi-objective-evaluation.js';
import { dominates, hypervolume } from '../../core/evaluation/pareto.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { bindingLogRewards, countOccurrences, ngramLogRewards } from '../../envs/sequence/dna-objectives.js';
import { createMultiObjectiveTfBind8, MultiObjectiveSequenceEnv } from '../../envs/sequence/multi-objective-sequence.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { nodeFileAccess as files } from '../../plugins/node/file-access.js';
import { preferenceConfig } from './helpers.js';

const registry = new PluginRegistry([builtinPlugin]);
const LETTERS = 'ACGT';
/** The letters of the sequence with this base-4 index (most significant position first). */
const word = (index: number, ndim: number): string => Array.from({ length: ndim }, (_, p) => LETTERS[Math.floor(index / 4 ** (ndim - 1 - p)) % 4]).join('');
/** Overlapping occurrences by a lookahead regular expression: an independent count. */
const occurrences = (text: string, motif: string): number => [...text.matchAll(new RegExp(`(?=${motif})`, 'g'))].length;

describe('the DNA objectives, against hand and brute-force counts', () => {
  it('counts overlapping occurrences: AAA holds AA twice, ACACA holds ACA twice, GC once in GGCC', () => {
    const symbols = (text: string): number[] => [...text].map((c) => LETTERS.indexOf(c));
    expect(countOccurrences(symbols('AAA'), symbols('AA'))).toBe(2);
    expect(countOccurrences(symbols('ACACA'), symbols('ACA'))).toBe(2);
    expect(countOccurrences(symbols('GGCC'), symbols('GC'))).toBe(1);
    expect(countOccurrences(symbols('TTTT'), symbols('A'))).toBe(0);
  });

  it('ngram: log((c + 1)/(c_max + 1)) for every sequence of length 4, c_max by enumeration (AA: 3, in AAAA; GC: 2, in GCGC)', () => {
    for (const [motif, max] of [
      ['AA', 3],
      ['GC', 2],
      ['T', 4],
    ] as const) {
      const table = ngramLogRewards(
        [...motif].map((c) => LETTERS.indexOf(c)),
        4,
        4,
      );
      expect(table.length).toBe(256);
      for (let index = 0; index < 256; index++) expect(table[index]).toBeCloseTo(Math.log((occurrences(word(index, 4), motif) + 1) / (max + 1)), 14);
    }
  });

  it('binding: max(y, 1e−3) over the best, in log', () => {
    const table = bindingLogRewards(Float32Array.of(0, 0.5, 0.25, 2e-4));
    expect(Array.from(table)).toEqual([Math.log(1e-3 / 0.5), 0, Math.log(Math.fround(0.25) / 0.5), Math.log(1e-3 / 0.5)]);
  });
});

describe('a multi-objective sequence environment', () => {
  // length 4 over A, C, G, T: 256 sequences, objectives AA, GC and C counts
  const names = ['ngram:AA', 'ngram:GC', 'ngram:C'];
  const tables = names.map((name) =>
    ngramLogRewards(
      [...name.slice(6)].map((c) => LETTERS.indexOf(c)),
      4,
      4,
    ),
  );
  const env = new MultiObjectiveSequenceEnv('small', 4, 4, names, tables);

  it('its exact front (its modes) is what an O(n²) dominance check over every sequence finds', () => {
    const points = Array.from({ length: 256 }, (_, i) => tables.map((t) => Math.exp(t[i]!))).flat();
    const brute: number[] = [];
    for (let a = 0; a < 256; a++) {
      let dominated = false;
      for (let b = 0; b < 256 && !dominated; b++) dominated = dominates(points, 3, b, a);
      // of identical objective vectors, the first
      const repeated = Array.from({ length: a }, (_, b) => b).some((b) => [0, 1, 2].every((j) => points[b * 3 + j] === points[a * 3 + j]));
      if (!dominated && !repeated) brute.push(a);
    }
    expect(brute.length).toBeGreaterThan(2);
    expect(Array.from(env.sequenceIndex(env.modeStates()))).toEqual(brute);
  });

  it('logObjectives: each objective of each sequence; its own reward the geometric mean; a partial sequence has none', () => {
    const states = env.sequencesOf([0, 0b10011001, 255]);
    const logR = env.logObjectives(states);
    for (const [i, index] of [0, 0b10011001, 255].entries()) {
      const text = word(index, 4);
      expect(Array.from(logR.subarray(i * 3, i * 3 + 3))).toEqual([
        Math.log((occurrences(text, 'AA') + 1) / 4),
        Math.log((occurrences(text, 'GC') + 1) / 3),
        Math.log((occurrences(text, 'C') + 1) / 5),
      ]);
      expect(env.logReward(states.subarray(i * 4, i * 4 + 4))[0]).toBeCloseTo((logR[i * 3]! + logR[i * 3 + 1]! + logR[i * 3 + 2]!) / 3, 14);
    }
    expect(() => env.logObjectives(Int32Array.of(0, 1, -1, -1))).toThrow(/not a full sequence/);
  });

  it('at a preference ω: the exact target R_ω^e/Z_ω over the full sequences by enumeration, zero on partial ones (whose objectives are never asked)', () => {
    const conditional = new ConditionalEnvironment(
      env,
      new PreferenceSpace(preferenceConfig({ preference: { distribution: 'dirichlet', alpha: 1, exponent: 3 } }), names),
    );
    const omega = Float32Array.of(0.5, 0.25, 0.25);
    const view = conditional.at(omega);
    if (!isEnumerable(view)) throw new Error('the view of an enumerable environment is enumerable');
    const target = view.trueDistribution();
    const all = env.allStates();
    const weights = Array.from({ length: 256 }, (_, i) => Math.exp(3 * tables.reduce((s, t, j) => s + omega[j]! * t[i]!, 0)));
    const z = weights.reduce((a, b) => a + b, 0);
    for (let s = 0; s < env.nStates; s++) {
      const row = all.subarray(s * 4, s * 4 + 4);
      if (row.includes(-1)) expect(target[s]).toBe(0);
      else expect(target[s]).toBeCloseTo(weights[env.sequenceIndex(row)[0]!]! / z, 14);
    }
    expect(view.logPartition()).toBeCloseTo(Math.log(z), 12);
  });
  it('the multi-objective metrics: the exact front by enumeration of the full sequences; drawing every sequence reaches its hypervolume', () => {
    const conditional = new ConditionalEnvironment(env, new PreferenceSpace(preferenceConfig(), names));
    const full = env.sequencesOf(Int32Array.from({ length: 256 }, (_, i) => i));
    const points = Array.from(env.logObjectives(full), Math.exp);
    const { metrics } = multiObjectiveMeasure(conditional)([full]);
    expect(metrics.paretoSizeExact).toBe(env.modeStates().length / 4);
    expect(metrics.hypervolumeExact).toBe(hypervolume(points, 3, [0, 0, 0]));
    expect(metrics.hypervolumeRatio).toBe(1);
    // AAAA alone: AA 3 times of at most 3, no GC, no C — the box 1 x 1/3 x 1/5
    const { metrics: one } = multiObjectiveMeasure(conditional)([full.subarray(0, 4)]);
    expect(one.hypervolume).toBeCloseTo(1 * (1 / 3) * (1 / 5), 14);
  });
});

describe('multi-objective TFbind8', () => {
  const env = createMultiObjectiveTfBind8({ objectives: ['binding', 'ngram:GC'], files });
  const buf = readFileSync(files.shippedDataLocation('tfbind8.y.f32'));
  const y = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const best = Math.max(...y);

  it('binding = max(y, 1e−3)/max y and GC = (c + 1)/5 (c_max = 4, in GCGCGCGC) for every one of the 65,536 sequences', () => {
    const logR = env.logObjectives(env.sequencesOf(Int32Array.from({ length: 65_536 }, (_, i) => i)));
    // the largest deviation of each objective over every sequence (one assertion each: 131,072 would be slow)
    let [binding, gc] = [0, 0];
    for (let i = 0; i < 65_536; i++) {
      binding = Math.max(binding, Math.abs(logR[2 * i]! - Math.log(Math.max(y[i]!, 1e-3) / best)));
      gc = Math.max(gc, Math.abs(logR[2 * i + 1]! - Math.log((occurrences(word(i, 8), 'GC') + 1) / 5)));
    }
    expect(binding).toBeLessThan(1e-12);
    expect(gc).toBe(0);
  });

  it('its exact front: no sequence dominates a front sequence, and a front sequence dominates or equals every other sequence', () => {
    const points = Array.from(env.logObjectives(env.sequencesOf(Int32Array.from({ length: 65_536 }, (_, i) => i))), Math.exp);
    const front = Array.from(env.sequenceIndex(env.modeStates()));
    expect(front.length).toBe(5);
    const dominatedFront = front.filter((f) => Array.from({ length: 65_536 }, (_, b) => b).some((b) => dominates(points, 2, b, f)));
    expect(dominatedFront).toEqual([]);
    const uncovered: number[] = [];
    for (let a = 0; a < 65_536; a++) {
      if (front.includes(a)) continue;
      const covered = front.some((f) => dominates(points, 2, f, a) || (points[2 * f] === points[2 * a] && points[2 * f + 1] === points[2 * a + 1]));
      if (!covered) uncovered.push(a);
    }
    expect(uncovered).toEqual([]);
  });
});

describe('multi-objective TFbind8 in a config, checked before the run', () => {
  const problems = (env: Record<string, unknown>, condition?: Record<string, unknown>): readonly string[] => {
    try {
      preflight({ env, objective: { name: 'tb' }, ...(condition ? { condition } : {}) }, registry);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  it('names the field, the value and the valid choices', () => {
    expect(problems({ name: 'tfbind8', objectives: ['binding', 'ngram:GX'] })).toEqual([
      expect.stringMatching(
        /field "env.objectives.1" = "ngram:GX": must be "binding" or "ngram:" followed by 1 to 8 of the letters A, C, G, T \(e.g. "ngram:GC"\)/,
      ),
    ]);
    expect(problems({ name: 'tfbind8', objectives: ['binding', 'ngram:'] })).toEqual([
      expect.stringMatching(/field "env.objectives.1" = "ngram:": must be "binding" or/),
    ]);
    expect(problems({ name: 'tfbind8', objectives: ['affinity'] })).toEqual([
      expect.stringMatching(/field "env.objectives.0" = "affinity": must be "binding" or/),
    ]);
    expect(problems({ name: 'tfbind8', objectives: ['binding', 'ngram:GC', 'binding'] })).toEqual([
      expect.stringMatching(/field "env.objectives.2" = "binding": repeats an earlier objective; each once/),
    ]);
  });

  it('a preference on TFbind8 without objectives is refused, naming the option; with two objectives it resolves', () => {
    expect(problems({ name: 'tfbind8' }, { preference: { distribution: 'dirichlet' } })).toEqual([
      expect.stringMatching(/environment 'tfbind8' has one reward; .*tfbind8 with objectives: \["binding", "ngram:GC"\]/),
    ]);
    expect(problems({ name: 'tfbind8', objectives: ['binding'] }, { preference: { distribution: 'dirichlet' } })).toEqual([
      expect.stringMatching(/a preference needs at least 2 objectives; the environment has the environment's 1 objectives \(binding\)/),
    ]);
    expect(problems({ name: 'tfbind8', objectives: ['binding', 'ngram:GC'] }, { preference: { distribution: 'dirichlet' } })).toEqual([]);
  });
});
