import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { checkEnvironment } from '../../core/conformance/environment.js';
import { formatReport } from '../../core/conformance/report.js';
import { paretoFront } from '../../core/evaluation/pareto.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { MultiObjectiveHyperGrid } from '../../envs/multi-objective-hypergrid.js';
import { braninReward, currinReward, shubertReward } from '../../envs/test-functions.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const registry = new PluginRegistry([builtinPlugin]);

describe('the test functions, against values worked out by hand', () => {
  it('Branin: its three minima (value 5/(4π)) give R = 1 − 0.397887/310; the corner (−5, 0) its maximum 308.129', () => {
    const minimum = 5 / (4 * Math.PI);
    for (const [x1, x2] of [
      [-Math.PI, 12.275],
      [Math.PI, 2.275],
      [3 * Math.PI, 2.475],
    ]) {
      expect(braninReward((x1! + 5) / 15, x2! / 15)).toBeCloseTo(1 - minimum / 310, 4);
    }
    // (−5, 0): (0 − 5.1·25/(4π²) − 25/π − 6)² + 10(1 − 1/(8π))·cos(−5) + 10
    const corner = (-(5.1 * 25) / (4 * Math.PI ** 2) - 25 / Math.PI - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(5) + 10;
    expect(corner).toBeCloseTo(308.129, 3);
    expect(braninReward(0, 0)).toBeCloseTo(1 - corner / 310, 12);
  });

  it('Currin: at u2 = 0 the exponential factor is 1 (60/20 = 3 at u1 = 0); at (1, 1) (1 − e^−½)·6352/624', () => {
    expect(currinReward(0, 0)).toBeCloseTo(3 / 14, 15);
    expect(currinReward(1, 1)).toBeCloseTo(((1 - Math.exp(-0.5)) * 6352) / 624 / 14, 15);
  });

  it('Shubert: at the centre x = (0, 0), (Σ_i i·cos i)² = (−4.45823)²', () => {
    const s = Math.cos(1) + 2 * Math.cos(2) + 3 * Math.cos(3) + 4 * Math.cos(4) + 5 * Math.cos(5);
    expect(s).toBeCloseTo(-4.45823, 5);
    expect(shubertReward(0.5, 0.5)).toBeCloseTo((211 - s * s) / 400, 15);
  });

  it('every reward lies in (0, 1] on a fine grid of the square', () => {
    for (let i = 0; i <= 100; i++) {
      for (let j = 0; j <= 100; j++) {
        for (const f of [braninReward, currinReward, shubertReward]) {
          const r = f(i / 100, j / 100);
          expect(r > 0 && r <= 1).toBe(true);
        }
      }
    }
  });
});

describe('the multi-objective HyperGrid', () => {
  const env = new MultiObjectiveHyperGrid(5, ['branin', 'currin', 'shubert']);

  it('R_i of a cell is the test function at u = s/(H − 1); its own log R is the mean of the log R_i', () => {
    const states = Int32Array.from([0, 0, 4, 2, 1, 3]);
    const logR = env.logObjectives(states);
    const own = env.logReward(states);
    for (let i = 0; i < 3; i++) {
      const [u1, u2] = [states[2 * i]! / 4, states[2 * i + 1]! / 4];
      const want = [braninReward(u1, u2), currinReward(u1, u2), shubertReward(u1, u2)].map(Math.log);
      for (let j = 0; j < 3; j++) expect(logR[i * 3 + j]).toBe(want[j]);
      expect(own[i]).toBeCloseTo((want[0]! + want[1]! + want[2]!) / 3, 14);
    }
    const target = env.trueDistribution();
    expect(target.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('passes the conformance kit, distribution checks included', () => {
    const report = checkEnvironment(env, { walks: 32 });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.checks).toContain('log-partition');
  });

  it('its exact front by enumeration: the cells no other cell dominates', () => {
    const points = Array.from(env.logObjectives(env.allStates()), Math.exp);
    const front = new Set(paretoFront(points, 3));
    for (let i = 0; i < env.nStates; i++) {
      let dominated = false;
      for (let j = 0; j < env.nStates && !dominated; j++) {
        const ge = [0, 1, 2].every((c) => points[j * 3 + c]! >= points[i * 3 + c]!);
        dominated = ge && [0, 1, 2].some((c) => points[j * 3 + c]! > points[i * 3 + c]!);
      }
      expect(front.has(i)).toBe(!dominated);
    }
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown test function', { objectives: ['branin', 'rosenbrock'] }, /objectives.1.*"rosenbrock".*branin.*currin.*shubert/],
    [
      'a repeated objective',
      { objectives: ['currin', 'currin'] },
      /field "env.objectives.1" = "currin".*repeats an earlier objective; each of branin, currin, shubert once/,
    ],
    ['a dimension other than 2', { ndim: 3, objectives: ['branin', 'currin'] }, /field "env.ndim" = 3.*must be 2 with objectives/],
  ];
  for (const [label, env, pattern] of refused) {
    it(`refuses ${label} before the run, naming the field`, () => {
      let problems: readonly string[] = [];
      try {
        preflight({ env: { name: 'hypergrid', height: 4, ...env }, objective: { name: 'tb' } }, registry);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems = err.problems;
      }
      expect(problems.some((p) => pattern.test(p))).toBe(true);
    });
  }
});
