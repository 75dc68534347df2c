import { defineConfig } from 'vitest/config';

export default defineConfig({
  // building networks and training a few updates takes seconds, more on a busy machine
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
