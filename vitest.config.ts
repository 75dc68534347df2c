import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/long/**'],
    setupFiles: ['test/setup.ts'],
    // removes what the test files share across forks when the run ends (the packed tarball)
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // tfjs keeps one global engine per process: test files run in separate forks
    pool: 'forks',
    // A fork runs its test files one after another in one module registry instead of loading
    // TensorFlow.js, its wasm binary and the core afresh for each of the ~180 files: that loading
    // was about half of a fork's time (35 files of test/evaluation and test/envs: 142 s → 70 s
    // wall). Every file restores what it changes (spies, fake timers, the backend).
    isolate: false,
    // vitest's default (one fork fewer than the cores) is a single fork on 2 cores, which then waits
    // through every test's children, Redis restarts and browser round trips; two forks fill those
    // waits
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
