import { defineConfig } from 'vitest/config';

// The long suite (`npm run test:long`): training runs of minutes, e.g. PPO solving CartPole.
// Same setup as the default suite (vitest.config.ts), which excludes these files.
export default defineConfig({
  test: {
    include: ['test/long/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 60_000,
    // tfjs keeps one global engine per process: test files run in separate forks
    pool: 'forks',
  },
});
