#!/usr/bin/env node
// Runs the tests that depend on timing across processes (the browser tests against a live run,
// the job queue against real Redis servers that are stopped, restarted and killed) several times
// in a row, each round a fresh vitest run, and stops at the first failing round: a test that
// fails one time in ten shows here, not in someone else's CI run.
//
//   npm run test:repeat                    # 10 rounds of the default files
//   npm run test:repeat -- --rounds 3      # what .ci/run does
//   npm run test:repeat -- --rounds 20 test/dashboard/browser.test.ts   # vitest file filters
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
/** vitest's file filters (parts of paths) of the tests that wait on other processes: browsers, Redis servers, workers. */
const DEFAULT_FILTERS = ['test/dashboard/browser.test.ts', 'test/bench/queue-'];

const { values, positionals } = parseArgs({
  options: { rounds: { type: 'string', default: '10' } },
  allowPositionals: true,
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`test:repeat: --rounds must be a positive integer, got ${JSON.stringify(values.rounds)}`);
  process.exit(1);
}
const filters = positionals.length > 0 ? positionals : DEFAULT_FILTERS;

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const started = Date.now();
for (let round = 1; round <= rounds; round++) {
  const t = Date.now();
  const run = spawnSync(process.execPath, [vitest, 'run', ...filters], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const seconds = ((Date.now() - t) / 1000).toFixed(0);
  if (run.status !== 0) {
    process.stdout.write(run.stdout);
    console.error(`test:repeat: round ${round} of ${rounds} failed after ${seconds} s (its output is above)`);
    process.exit(1);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: vitest colours its summary
  const files = run.stdout.replace(/\x1b\[[\d;]*m/g, '').match(/Test Files\s+(\d+) passed/)?.[1] ?? '?';
  console.log(`test:repeat: round ${round} of ${rounds} passed in ${seconds} s (${files} files: ${filters.join(' ')})`);
}
console.log(`test:repeat: ${rounds} rounds passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
