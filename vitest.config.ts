import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // 2 cores: keep the worker count small so wire tests are not starved.
    maxWorkers: 2,
  },
});
