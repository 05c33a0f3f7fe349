import { defineConfig } from 'vitest/config';

/** The fast tests of the modules that decide verdicts: what Stryker runs against each mutant. */
export default defineConfig({
  test: {
    include: [
      'test/log-analysis.test.ts',
      'test/workload-checks.test.ts',
      'test/summary.test.ts',
      'test/judge.test.ts',
      'test/fault-verdict.test.ts',
      'test/histories-linearizability.test.ts',
      'test/futex-mutex.test.ts',
      'test/compare.test.ts',
      'test/comparison.test.ts',
    ],
    setupFiles: ['test/ts-loader.setup.ts'],
    testTimeout: 20_000,
    fileParallelism: false,
    // The large-history tests take tens of seconds each once instrumented; the small ones cover the same code.
    env: { SYNC_BENCH_MUTATION: '1' },
  },
});
