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
  },
});
