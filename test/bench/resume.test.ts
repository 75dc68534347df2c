import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../harness/harness.js';
import type { RunLauncher } from '../../harness/launcher.js';
import { metricsPath } from '../../run-folder/paths.js';
import { registry } from '../training/run-helpers.js';
import { fakeMetricsJsonl, recordingReporter, writeJson } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const configPath = writeJson(tmp, 'bench.json', {
  name: 'resume',
  base: { backend: 'wasm', estimator: { name: 'mlp', hidden: [8] }, objective: { name: 'tb' } },
  environments: [{ label: 'grid', env: { name: 'hypergrid', ndim: 2, height: 4 } }],
  objectives: [{ label: 'tb-u' }, { label: 'tb-b', objective: { name: 'tb', backward: 'learned' } }],
  seeds: [0, 1],
  budget: { iterations: 20 },
  evaluation: { every: 10 },
  workers: 2,
});

/**
 * Stands in for the worker processes: writes what a finished run leaves (config.json and a
 * complete metrics.jsonl) and records which runs it was asked to train. Runs named in `failWith`
 * die without writing anything, like a crashed worker.
 */
function fakeLauncher(failWith: Record<string, string> = {}): RunLauncher & { launched: string[] } {
  const launched: string[] = [];
  return {
    launched,
    launch: async (spec, { progress }) => {
      launched.push(spec.id);
      // the harness clears a partial folder before the launch
      expect(existsSync(spec.dir)).toBe(false);
      if (failWith[spec.id]) return { error: failWith[spec.id] };
      writeJson(spec.dir, 'config.json', spec.config);
      const tv = 0.5 - 0.1 * spec.seed;
      writeFileSync(
        metricsPath(spec.dir),
        fakeMetricsJsonl(
          [
            { iterations: 10, trajectories: 160, seconds: 1, tv: tv + 0.1 },
            { iterations: 20, trajectories: 320, seconds: 2, tv },
          ],
          { finished: { iterations: 20, seconds: 2 } },
        ),
      );
      progress(1);
      return {};
    },
    close: () => {},
  };
}

const bench = (launcher: RunLauncher, retryFailed = false) => {
  const reporter = recordingReporter();
  const run = runBench({ configPath, outDir: join(tmp, 'out'), loadRegistry: async () => registry, launcher, reporter, retryFailed });
  return { run, reporter };
};
const dir = (id: string): string => join(tmp, 'out', 'runs', id);

describe('bench resumption', () => {
  it('runs everything the first time, then completes a killed benchmark: partial runs from scratch, complete ones kept', async () => {
    const first = fakeLauncher();
    await bench(first).run;
    expect(first.launched.sort()).toEqual(['grid-tb-b-s0', 'grid-tb-b-s1', 'grid-tb-u-s0', 'grid-tb-u-s1']);

    // a kill leaves one run cut short (with a stray file) and one never started
    const cut = fakeMetricsJsonl([{ iterations: 10, trajectories: 160, seconds: 1, tv: 0.9 }], 'cut');
    writeFileSync(metricsPath(dir('grid-tb-u-s1')), `${cut}{"type":"iterat`);
    writeFileSync(join(dir('grid-tb-u-s1'), 'stale.txt'), 'x');
    rmSync(dir('grid-tb-b-s0'), { recursive: true });
    const kept = readFileSync(metricsPath(dir('grid-tb-u-s0')), 'utf8');
    const keptMtime = statSync(metricsPath(dir('grid-tb-u-s0'))).mtimeMs;

    const second = fakeLauncher();
    const { run, reporter } = bench(second);
    const outcome = await run;
    expect(second.launched.sort()).toEqual(['grid-tb-b-s0', 'grid-tb-u-s1']);
    expect(outcome.ran).toBe(2);
    expect(outcome.skipped).toBe(2);
    expect(reporter.lines).toContain('[bench] grid-tb-u-s1: its log is incomplete; re-running from scratch');
    expect(reporter.lines.some((l) => /^\[bench\] resume: 4 runs \(2 already complete, 2 to run\)/.test(l))).toBe(true);
    expect(existsSync(join(dir('grid-tb-u-s1'), 'stale.txt'))).toBe(false);
    expect(readFileSync(metricsPath(dir('grid-tb-u-s1')), 'utf8')).toMatch(/"type":"finished"/);
    expect(readFileSync(metricsPath(dir('grid-tb-u-s0')), 'utf8')).toBe(kept);
    expect(statSync(metricsPath(dir('grid-tb-u-s0'))).mtimeMs).toBe(keptMtime);
    expect(outcome.results.every((r) => r.log.state === 'finished')).toBe(true);
    const csv = readFileSync(join(tmp, 'out', 'results.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv).toHaveLength(1 + 4 * 2);
    expect(reporter.states.at(-1)).toMatchObject({ done: 4, total: 4, running: 0 });
  });

  it('a run whose config changed is re-run; a crashed run is recorded as failed, kept, and retried on request', async () => {
    const saved = JSON.parse(readFileSync(join(dir('grid-tb-b-s1'), 'config.json'), 'utf8')) as { batchSize: number; logging: object };
    writeJson(dir('grid-tb-b-s1'), 'config.json', { ...saved, batchSize: saved.batchSize + 1 });
    // where a run logged is not part of what it trained: a moved benchmark folder keeps its runs
    writeJson(dir('grid-tb-b-s0'), 'config.json', { ...saved, seed: 0, name: 'grid-tb-b-s0', logging: { ...saved.logging, dir: '/elsewhere/runs' } });
    const crash = fakeLauncher({ 'grid-tb-b-s1': 'worker exited with signal SIGKILL' });
    const { run, reporter } = bench(crash);
    const outcome = await run;
    expect(crash.launched).toEqual(['grid-tb-b-s1']);
    expect(reporter.lines).toContain('[bench] grid-tb-b-s1: its config changed; re-running from scratch');
    expect(reporter.lines.some((l) => l.startsWith('[bench] 4/4 grid-tb-b-s1: FAILED: worker exited with signal SIGKILL'))).toBe(true);
    expect(outcome.results.find((r) => r.id === 'grid-tb-b-s1')!.log).toMatchObject({ state: 'failed', error: 'worker exited with signal SIGKILL' });
    const summary = readFileSync(join(tmp, 'out', 'summary.md'), 'utf8');
    expect(summary).toContain('- `tb-b` seed 1: worker exited with signal SIGKILL');
    expect(summary).toMatch(/\| tb-b \| 1\/2 \|/);

    const again = fakeLauncher();
    const kept = bench(again);
    await kept.run;
    expect(again.launched).toEqual([]);
    expect(kept.reporter.lines).toContain(
      '[bench] grid-tb-b-s1: keeping the recorded failure (worker exited with signal SIGKILL); --retry-failed runs it again',
    );

    const retry = fakeLauncher();
    const retried = await bench(retry, true).run;
    expect(retry.launched).toEqual(['grid-tb-b-s1']);
    expect(retried.results.every((r) => r.log.state === 'finished')).toBe(true);
  });
});
