import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import { runGfn } from '../helpers/gfn-process.js';
import { faultRun } from './fault-runs.js';

/** What `gfn train` did: its exit code, its output, and its run folder. */
interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  runDir: string;
}

/**
 * `gfn train` (a real child process) on a small TB run with the fault plugin: 2-D H=8 grid, 20
 * iterations, a checkpoint every 5, `patch` applied, `env` added to its environment variables.
 */
async function gfnTrain(patch: Record<string, unknown>, options: { env?: Record<string, string>; args?: string[] } = {}): Promise<Outcome> {
  const { raw, runDir } = faultRun({ plugins: [resolve('test/training/fault-plugin.ts')], ...patch });
  const path = join(dirname(runDir), 'config.json');
  writeFileSync(path, JSON.stringify(raw));
  const { code, stdout, stderr } = await runGfn(['train', path, ...(options.args ?? [])], options.env);
  return { code, stdout, stderr, runDir };
}

/** The lines of `text` that start with `gfn:`. */
const gfnLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('gfn:'));

/**
 * `gfn train` failed the way every failure of a run must: exit 1, one `gfn:` line naming where
 * and when (no stack, no glue code), the error as the log's last record, the checkpoint from
 * before the failure intact. `line`: the `gfn:` line, when it is not `gfn: <message> (in <where>, at
 * iteration <iteration>)` (a message that names where already).
 */
function expectCleanFailure(outcome: Outcome, message: string, where: string, iteration: number, checkpointAt: number, line?: string): void {
  const { code, stdout, stderr, runDir } = outcome;
  expect(code, stdout + stderr).toBe(1);
  expect(gfnLines(stderr)).toEqual([line ?? `gfn: ${message} (in ${where}, at iteration ${iteration})`]);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.length).toBeLessThan(1000);
  expect(readMetricsLog(runDir)!.records.at(-1)).toEqual({ type: 'error', message, where, iteration });
  expect(readCheckpoint(runDir).iterations).toBe(checkpointAt);
}

// each test waits on its own child process: they run side by side, each a few `gfn` start-ups long on a loaded machine
describe.concurrent('gfn train: a failure anywhere in the run is one gfn: line, an error record, the last checkpoint, exit 1', { timeout: 300_000 }, () => {
  it('in the objective (and --verbose adds the stack)', async () => {
    const outcome = await gfnTrain({ objective: { name: 'faulty-tb', failAt: 12 } }, { args: ['--verbose'] });
    const { stderr } = outcome;
    const [line, ...rest] = stderr.split('\n').filter((l) => !l.startsWith('[gfn]'));
    expect(outcome.code, stderr).toBe(1);
    expect(line).toBe("gfn: faulty-tb: the scripted update fault (in objective 'faulty-tb' of plugin 'faults', at iteration 12)");
    expect(rest.join('\n')).toMatch(/Error: faulty-tb: the scripted update fault\n\s+at /);
    expect(readMetricsLog(outcome.runDir)!.records.at(-1)).toMatchObject({ type: 'error', iteration: 12 });
    expect(readCheckpoint(outcome.runDir).iterations).toBe(10);
  });

  it('in the environment', async () => {
    const outcome = await gfnTrain({ env: { name: 'faulty-grid', ndim: 2, height: 8, failAtStep: 90 } });
    const iteration = readMetricsLog(outcome.runDir)!.records.at(-1)!;
    expect(iteration.type).toBe('error');
    const at = (iteration as { iteration: number }).iteration;
    const message = "environment 'faulty-grid' of plugin 'faults': step threw: faulty-grid: step call 90 failed (a scripted fault)";
    // the message names the environment and its plugin already: the line adds the iteration only
    expectCleanFailure(
      outcome,
      message,
      "environment 'faulty-grid' of plugin 'faults'",
      at,
      Math.floor((at - 1) / 5) * 5,
      `gfn: ${message} (at iteration ${at})`,
    );
  });

  it('in a logger (a subscriber of a plugin)', async () => {
    const outcome = await gfnTrain({}, { env: { FAULT_LOGGER_AT: '7' } });
    expectCleanFailure(outcome, 'faults: the scripted logger fault', "subscriber 'faults' of plugin 'faults'", 7, 5);
  });

  it('in the evaluator', async () => {
    const outcome = await gfnTrain({
      env: { name: 'faulty-grid', ndim: 2, height: 8, unorderedStates: true },
      evaluation: { every: 10, atStart: false, mode: 'exact' },
    });
    expect(outcome.stderr).toMatch(/allStates\(\) is not in parents-first order/);
    const message = (readMetricsLog(outcome.runDir)!.records.at(-1) as { message: string }).message;
    expectCleanFailure(outcome, message, "subscriber 'evaluator' of plugin 'builtin'", 10, 5);
  });

  it('in a timer nothing catches: recorded and reported the same way', async () => {
    const { code, stderr, runDir } = await gfnTrain({ iterations: 400 }, { env: { FAULT_TIMER_AT: '7' } });
    expect(code, stderr).toBe(1);
    expect(gfnLines(stderr)).toEqual(['gfn: faults: the scripted timer fault']);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(readMetricsLog(runDir)!.records.at(-1)).toEqual({ type: 'error', message: 'faults: the scripted timer fault' });
    expect(readCheckpoint(runDir).iterations).toBeGreaterThanOrEqual(5);
  });

  it('a config whose limits cannot fit in memory (exactMaxStates 1e15 on a 12-D grid) is refused before any work', async () => {
    const { code, stdout, stderr, runDir } = await gfnTrain({
      env: { name: 'hypergrid', ndim: 12, height: 16 },
      evaluation: { mode: 'exact', exactMaxStates: 1e15 },
    });
    expect(code, stdout + stderr).toBe(1);
    expect(stderr).toMatch(
      /field "evaluation.exactMaxStates" = 1000000000000000: exact evaluation of environment 'hypergrid' \(its 281,474,976,710,656 states enumerated\) would take about [\d.]+ PiB \(189 bytes per state\), above [\d.]+ GiB \(this machine's memory\)/,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(runDir)).toBe(false);
  });
});
