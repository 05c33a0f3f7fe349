import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/ts-loader.setup.ts'],
    // Every test that could deadlock fails instead of hanging.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Strategy runs spawn worker threads; run files one at a time so they do not compete for 2 cores.
    fileParallelism: false,
  },
});
