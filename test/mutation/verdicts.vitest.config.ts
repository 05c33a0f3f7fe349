import { defineConfig } from 'vitest/config';

/** The verdict modules' own tests only: what `verdicts.stryker.config.mjs` runs against each mutant. */
export default defineConfig({
  test: {
    include: ['test/judge.test.ts', 'test/fault-verdict.test.ts'],
    // No TypeScript loader (test/ts-loader.setup.ts): these tests load no strategy module by URL,
    // and registering the loader starts a hooks thread in every test run, one per mutant.
    testTimeout: 20_000,
    fileParallelism: false,
    env: { SYNC_BENCH_MUTATION: '1' },
  },
});
