import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import { runGfn, startGfn } from '../helpers/gfn-process.js';
import { faultRun } from '../training/fault-runs.js';
import { metricRecords } from './helpers.js';

/** The iteration at which the fault plugin's subscriber blocks, so that the test signals the run there. */
const STOP_AT = 17;

/**
 * A tiny run that exercises every state a resume must carry: the error tests' small TB run (see
 * `faultRun`) with ε-exploration and a prioritized replay buffer, 40 iterations, exact evaluation
 * every 10, a checkpoint every 15; the fault plugin's subscriber blocks at STOP_AT when
 * FAULT_BLOCK_AT says so. Returns the config file and the runs folder.
 */
function writeConfig(): { path: string; dir: string } {
  const { raw, runDir } = faultRun({
    seed: 11,
    iterations: 40,
    sampler: { epsilon: 0.1 },
    replay: { kind: 'prioritized', capacity: 64, ratio: 0.25 },
    evaluation: { every: 10 },
    checkpoint: { every: 15 },
    plugins: [resolve('test/training/fault-plugin.ts')],
  });
  const dir = dirname(runDir);
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(raw));
  return { path, dir };
}

/** `gfn train` of `path` as run `name`, signalled with `signals` (spaced 100 ms apart) once it blocks at STOP_AT. */
async function signalled(path: string, name: string, signals: NodeJS.Signals[]) {
  const run = startGfn(['train', path, '--set', `name=${name}`], { FAULT_BLOCK_AT: String(STOP_AT), FAULT_BLOCK_MS: '2000' });
  await run.printed(new RegExp(`blocking at iteration ${STOP_AT}`));
  for (const signal of signals) {
    run.child.kill(signal);
    await new Promise((r) => setTimeout(r, 100));
  }
  return run.exited;
}

const types = (runDir: string): string[] => readMetricsLog(runDir)!.records.map((r) => r.type);

// each test waits on its own child processes: they run side by side, each a few `gfn` start-ups long on a loaded machine
describe.concurrent('gfn train under SIGTERM / SIGINT', { timeout: 300_000 }, () => {
  it('SIGTERM mid-run: checkpoint + stopped record + exit 143; --resume then continues it bit for bit', async () => {
    const { path, dir } = writeConfig();
    const [straightRun, stopped] = await Promise.all([runGfn(['train', path, '--set', 'name=straight']), signalled(path, 'legs', ['SIGTERM'])]);
    expect(straightRun.code, straightRun.stderr).toBe(0);
    const legs = join(dir, 'legs');
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(stopped.stderr).toContain(
      `[gfn] stopped by SIGTERM at iteration ${STOP_AT} of 40; checkpoint ${join(legs, 'checkpoint.json')}; continue it with: gfn train --resume ${legs}`,
    );
    expect(stopped.stderr).not.toMatch(/^gfn:/m);
    // the iteration in progress when the signal came was completed, checkpointed and recorded as the stop
    expect(readCheckpoint(legs).iterations).toBe(STOP_AT);
    expect(readMetricsLog(legs)!.records.at(-1)).toMatchObject({ type: 'stopped', iterations: STOP_AT, reason: 'SIGTERM' });

    const resumed = await runGfn(['train', '--resume', legs]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('final (iteration 40)');
    // the metrics continue exactly: every iteration and evaluation record is the straight run's (timings aside)
    const straight = join(dir, 'straight');
    expect(metricRecords(legs)).toEqual(metricRecords(straight));
    // (heartbeats come every 5 s of a live run, wherever its iterations are then)
    expect(types(legs).filter((t) => t !== 'iteration' && t !== 'evaluation' && t !== 'heartbeat')).toEqual(['start', 'stopped', 'resume', 'finished']);
    // and so does every state: parameters, optimizer moments, RNG streams, replay buffer, counters
    const [a, b] = [readCheckpoint(legs), readCheckpoint(straight)];
    expect(a.iterations).toBe(40);
    expect(a.forward).toEqual(b.forward);
    expect(a.state).toEqual(b.state);
  });

  it('a second signal exits at once (130 for SIGINT): no stopped record, the last periodic checkpoint intact', async () => {
    const { path, dir } = writeConfig();
    const outcome = await signalled(path, 'twice', ['SIGINT', 'SIGINT']);
    const runDir = join(dir, 'twice');
    expect(outcome.code, outcome.stderr).toBe(130);
    expect(types(runDir)).not.toContain('stopped');
    expect(
      readMetricsLog(runDir)!
        .records.filter((r) => r.type === 'iteration')
        .at(-1),
    ).toMatchObject({ iteration: STOP_AT });
    expect(readCheckpoint(runDir).iterations).toBe(15);
    // it can still be resumed from there
    const resumed = await runGfn(['train', '--resume', runDir]);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});
