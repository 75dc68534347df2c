import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileReader } from '../../dashboard/bounded-read.js';
import { scanRoot } from '../../dashboard/scan.js';
import { parseMetricsText } from '../../run-folder/metrics-reader.js';
import { LIVE_WITHIN_MS, lastSignOfLife } from '../../run-folder/run-state.js';
import { waitFor } from '../bench/queue-helpers.js';
import { smallConfig } from '../training/run-helpers.js';
import { tempDir } from './helpers.js';

// The status the dashboard lists for a real `gfn train` process: running while it writes its
// heartbeats, stopped once they are older than LIVE_WITHIN_MS after it was killed with SIGKILL,
// whatever the log file's modification time says.
describe('the listed status of a gfn train process', () => {
  const root = tempDir();
  const config = smallConfig({
    name: 'beating',
    iterations: 10_000_000,
    estimator: { name: 'mlp', hidden: [16, 16] },
    evaluation: { every: 1000 },
    // no checkpoint before the end: the killed run cannot be resumed
    checkpoint: { every: 0 },
    logging: { dir: root, progress: 'none' },
  });
  const configPath = join(root, 'beating.json');
  writeFileSync(configPath, JSON.stringify(config));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });
  const log = join(root, 'beating', 'metrics.jsonl');
  const records = () => parseMetricsText(existsSync(log) ? readFileSync(log, 'utf8') : '').records;
  const status = (now: number): string => scanRoot(root, { reader: fileReader, now }).runs.find((r) => r.id === 'beating')!.status;

  it('running while it beats; after SIGKILL, running only until its last heartbeat is LIVE_WITHIN_MS old, even if the log is touched', async () => {
    const training = spawn(process.execPath, ['bin/gfn.js', 'train', configPath], { stdio: 'ignore' });
    child = training;
    // a heartbeat of the live process (5 s after its start, or sooner once it has logged 16 KB)
    await waitFor(() => (records().some((r) => r.type === 'heartbeat') ? true : undefined));
    expect(status(Date.now())).toBe('running');

    const exited = new Promise((r) => training.once('exit', r));
    training.kill('SIGKILL');
    await exited;
    const last = lastSignOfLife(records())!;
    expect(status(last + LIVE_WITHIN_MS - 1)).toBe('running');
    expect(status(last + LIVE_WITHIN_MS)).toBe('interrupted');
    // a log copied or touched later is not a sign of life
    utimesSync(log, new Date(last + LIVE_WITHIN_MS), new Date(last + LIVE_WITHIN_MS));
    expect(status(last + LIVE_WITHIN_MS)).toBe('interrupted');
  });
});
