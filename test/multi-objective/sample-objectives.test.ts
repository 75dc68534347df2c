import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSamples, parseCondition, sampleCommand } from '../../cli/sample.js';
import { train } from '../../core/run/run.js';
import { MultiObjectiveHyperGrid } from '../../envs/multi-objective-hypergrid.js';
import { braninReward, currinReward } from '../../envs/test-functions.js';
import { createMultiObjectiveTfBind8 } from '../../envs/sequence/multi-objective-sequence.js';
import { nodeFileAccess as files } from '../../plugins/node/file-access.js';
import { loadSampler } from '../../plugins/index.js';
import { tempRunsDir } from '../checkpoint/helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';

const CONDITION = { preference: { distribution: 'dirichlet', alpha: 1, exponent: 4 } };

/** Trains `iterations` of a preference-conditional run on `env` (no evaluation) and checkpoints it; its folder. */
async function trainedRun(name: string, env: Record<string, unknown>, iterations: number): Promise<string> {
  const dir = tempRunsDir();
  const config = smallConfig({
    name,
    env,
    iterations,
    condition: CONDITION,
    evaluation: { every: 0 },
    checkpoint: { every: 0 },
    logging: { dir, progress: 'none' },
  });
  await train(config, registry, { subscribers: ['jsonl', 'checkpoint'] });
  return join(dir, name);
}

describe('the objectives of a multi-objective sample', () => {
  it('gfn sample writes log R_i of each objective (csv columns logObjective.<name>, jsonl logObjectives), loadSampler returns them', async () => {
    const runDir = await trainedRun('mo-sampled', { name: 'hypergrid', ndim: 2, height: 6, objectives: ['branin', 'currin'] }, 5);
    const env = new MultiObjectiveHyperGrid(6, ['branin', 'currin']);

    const sampler = await loadSampler(runDir, { seed: 1 });
    const samples = sampler.sample(40, { condition: { branin: 0.25, currin: 0.75 } });
    sampler.dispose();
    expect(samples.objectiveNames).toEqual(['branin', 'currin']);
    expect(Array.from(samples.logObjectives!)).toEqual(Array.from(env.logObjectives(samples.states)));

    const csv = join(runDir, 's.csv');
    await sampleCommand({ checkpoint: runDir, n: '30', out: csv, format: 'csv', condition: 'branin=0.25,currin=0.75' });
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    expect(header).toBe('s0,s1,logReward,logObjective.branin,logObjective.currin');
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      const [s0, s1, logReward, branin, currin] = row.split(',').map(Number);
      // the objectives of the state, worked out from the test functions at u = s/(H − 1); the reward their mean
      const u = [s0! / 5, s1! / 5] as const;
      const [b, c] = env.logObjectives(Int32Array.of(s0!, s1!));
      expect(branin).toBe(b);
      expect(currin).toBe(c);
      expect(branin).toBeCloseTo(Math.log(braninReward(u[0], u[1])), 14);
      expect(currin).toBeCloseTo(Math.log(currinReward(u[0], u[1])), 14);
      expect(logReward).toBeCloseTo((branin! + currin!) / 2, 14);
    }

    const jsonl = join(runDir, 's.jsonl');
    await sampleCommand({ checkpoint: runDir, n: '10', out: jsonl, format: 'jsonl', condition: 'branin=1,currin=0' });
    for (const line of readFileSync(jsonl, 'utf8').trim().split('\n')) {
      const record = JSON.parse(line) as { state: number[]; logReward: number; logObjectives: Record<string, number> };
      const [b, c] = env.logObjectives(Int32Array.from(record.state));
      expect(record.logObjectives).toEqual({ branin: b, currin: c });
    }
  });

  it('multi-objective TFbind8: --condition binding=0.5,ngram:GC=0.5 (a name with a colon), each sample with its binding and GC count', async () => {
    expect(parseCondition('binding=0.5,ngram:GC=0.5')).toEqual({ binding: 0.5, 'ngram:GC': 0.5 });
    const runDir = await trainedRun('mo-tfbind8-sampled', { name: 'tfbind8', objectives: ['binding', 'ngram:GC'] }, 2);
    const env = createMultiObjectiveTfBind8({ objectives: ['binding', 'ngram:GC'], files });
    const out = join(runDir, 's.jsonl');
    await sampleCommand({ checkpoint: runDir, n: '20', out, format: 'jsonl', condition: 'binding=0.5,ngram:GC=0.5' });
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { state: number[]; logReward: number; logObjectives: Record<string, number> });
    expect(records).toHaveLength(20);
    for (const { state, logReward, logObjectives } of records) {
      const text = state.map((v) => 'ACGT'[v]).join('');
      const gc = [...text.matchAll(/(?=GC)/g)].length;
      expect(logObjectives['ngram:GC']).toBeCloseTo(Math.log((gc + 1) / 5), 14);
      expect(logObjectives.binding).toBe(env.logObjectives(Int32Array.from(state))[0]);
      expect(logReward).toBeCloseTo((logObjectives.binding! + logObjectives['ngram:GC']!) / 2, 14);
    }
  });

  it('one reward: no objective columns, the format unchanged', () => {
    const samples = { states: Int32Array.of(1, 2), logRewards: Float64Array.of(-0.5), stateDim: 2 };
    expect(formatSamples(samples, 'csv')).toBe('1,2,-0.5\n');
    expect(formatSamples(samples, 'jsonl')).toBe('{"state":[1,2],"logReward":-0.5}\n');
  });
});
