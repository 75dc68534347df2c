import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeatmapsView, TableView } from '../../core/env/view.js';
import { train } from '../../core/run/run.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { VIEWS_DIR, type ViewFile, viewFileIteration } from '../../run-folder/layout.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { ViewHistory } from '../../run-folder/writers/view-history.js';
import { recordRun, registry, smallConfig } from '../training/run-helpers.js';

describe('ViewHistory', () => {
  it('keeps the newest and at most `capacity` earlier views, evenly spread', () => {
    for (const capacity of [1, 2, 5, 8]) {
      const h = new ViewHistory(capacity);
      const onDisk = new Set<number>();
      for (let i = 0; i < 500; i++) {
        onDisk.add(i);
        for (const r of h.add(i)) {
          expect(onDisk.has(r), `capacity ${capacity}: deletes ${r} twice or before writing it`).toBe(true);
          onDisk.delete(r);
        }
        expect([...onDisk].sort((a, b) => a - b)).toEqual(h.onDisk());
        expect(onDisk.has(i)).toBe(true);
        expect(onDisk.size).toBeLessThanOrEqual(capacity + 1);
      }
      // the history spreads over the run: its first entry is the first evaluation, its spacing constant
      const kept = h.onDisk().slice(0, -1);
      expect(kept[0]).toBe(0);
      const gaps = new Set(kept.slice(1).map((v, i) => v - kept[i]!));
      expect(gaps.size).toBeLessThanOrEqual(1);
    }
  });
});

describe('evaluation views subscriber', () => {
  it('writes the HyperGrid view at each evaluation, before the evaluation line, and clears them when the run starts afresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfn-views-'));
    const config = smallConfig({ iterations: 30, evaluation: { every: 10 }, logging: { dir, progress: 'none' } });
    const seenBeforeLine: boolean[] = [];
    const viewsDir = join(dir, 'test', VIEWS_DIR);
    const run = (): Promise<unknown> =>
      train(config, registry, {
        subscribers: ['evaluator', 'evaluation-views', 'jsonl'],
        beforeRun: (_c, bus) => bus.evaluation$.subscribe((e) => seenBeforeLine.push(existsSync(join(viewsDir, `${e.iteration}.json`)))),
      });
    await run();
    // iteration n = after n updates; evaluation.atStart adds iteration 0, before the first update
    expect(seenBeforeLine).toEqual([true, true, true, true]);
    const names = readdirSync(viewsDir).sort();
    expect(names.map(viewFileIteration).sort((a, b) => a! - b!)).toEqual([0, 10, 20, 30]);
    const file = JSON.parse(readFileSync(join(viewsDir, '30.json'), 'utf8')) as ViewFile<HeatmapsView>;
    expect(file.iteration).toBe(30);
    expect(file.method).toBe('exact');
    expect(file.view.kind).toBe('heatmaps');
    expect([file.view.rows, file.view.cols]).toEqual([8, 8]);
    const target = new HyperGrid({ ndim: 2, height: 8, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false }).trueDistribution();
    // numbers are written to 4 significant digits
    file.view.panels[1]!.values.forEach((v, i) => expect(Math.abs(v - target[i]!)).toBeLessThanOrEqual(5e-4 * target[i]!));
    expect(file.view.panels[0]!.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    // the final evaluation line of metrics.jsonl follows the view
    const lines = readFileSync(join(dir, 'test', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === 'evaluation')).toHaveLength(4);

    seenBeforeLine.length = 0;
    await train({ ...config, iterations: 10 }, registry, { subscribers: ['evaluator', 'evaluation-views'] });
    expect(readdirSync(viewsDir).sort()).toEqual(['0.json', '10.json']);
  });

  it('a resumed run keeps the views up to its checkpoint (evaluations it does not repeat) and drops the later ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfn-views-resume-'));
    const config = smallConfig({ iterations: 30, evaluation: { every: 10 }, checkpoint: { every: 10 }, logging: { dir, progress: 'none' } });
    const runDir = join(dir, 'test');
    const viewsDir = join(runDir, VIEWS_DIR);
    const subscribers = ['evaluator', 'evaluation-views', 'jsonl', 'checkpoint'];
    // a first process stops after 20 iterations (checkpoint at 20), leaving a view past it as an interrupted run would
    await train({ ...config, iterations: 20 }, registry, { subscribers });
    expect(readCheckpoint(runDir).iterations).toBe(20);
    writeFileSync(join(viewsDir, '25.json'), '{}\n');
    await train(config, registry, { subscribers, resume: readCheckpoint(runDir) });
    expect(
      readdirSync(viewsDir)
        .map(viewFileIteration)
        .sort((a, b) => a! - b!),
    ).toEqual([0, 10, 20, 30]);
    // every evaluation line of the log has its view
    const evaluations = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; iteration: number })
      .filter((l) => l.type === 'evaluation');
    expect(evaluations.map((e) => e.iteration)).toEqual([0, 10, 20, 30]);
  });
});

describe('evaluation views of other environments', () => {
  it('a sequence run attaches the best sampled sequences, with P_T and R/Z, to its evaluations', async () => {
    const config = smallConfig({ iterations: 4, env: { name: 'bitseq', ndim: 4, groups: 1, modesPerGroup: 2 }, evaluation: { every: 2, samples: 50 } });
    const rec = await recordRun(config);
    // iterations 0 (before the first update), 2 and 4
    expect(rec.evaluations).toHaveLength(3);
    for (const e of rec.evaluations) {
      const view = e.view as TableView;
      expect(view.kind).toBe('table');
      expect(view.columns).toEqual(['sequence', 'log R', 'times drawn', 'P_T(x)', 'R(x)/Z']);
      expect(view.rows.reduce((n, r) => n + Number(r[2]), 0)).toBeLessThanOrEqual(50);
    }
  });
});
