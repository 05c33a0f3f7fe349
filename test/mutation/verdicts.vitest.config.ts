import { defineConfig } from 'vitest/config';

/** The verdict modules' own tests only: what `verdicts.stryker.config.mjs` runs against each mutant. */
export default defineConfig({
  test: {
    include: ['test/judge.test.ts', 'test/fault-verdict.test.ts'],
    setupFiles: ['test/ts-loader.setup.ts'],
    testTimeout: 20_000,
    fileParallelism: false,
    env: { SYNC_BENCH_MUTATION: '1' },
  },
});
