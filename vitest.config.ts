import { defineConfig } from 'vitest/config';

/**
 * The fast tests: no strategy run, no server, no thread pool of the harness; at most one process of
 * a command (to see its exit code leave the process). `npm run test:fast` runs them alone (about
 * 30 s); every other test file, and any new one, is in `slow`. `npm test` runs both.
 */
export const fastTests = [
  'test/compare.test.ts',
  'test/comparison.test.ts',
  'test/delay-proxy.test.ts',
  'test/doc-links.test.ts',
  'test/fault-verdict.test.ts',
  'test/futex-mutex.test.ts',
  'test/histories-cli.test.ts',
  'test/histories-exact.test.ts',
  'test/histories-format.test.ts',
  'test/histories-linearizability.test.ts',
  'test/judge.test.ts',
  'test/load-sampler.test.ts',
  'test/log-analysis.test.ts',
  'test/median-interval.test.ts',
  'test/micro-cli.test.ts',
  'test/output-width.test.ts',
  'test/owner-link.test.ts',
  'test/owner-thread.test.ts',
  'test/precision.test.ts',
  'test/quick.test.ts',
  'test/reading-compare.test.ts',
  'test/registry.test.ts',
  'test/rounds.test.ts',
  'test/summary.test.ts',
  'test/titles.test.ts',
  'test/workload-checks.test.ts',
];

export default defineConfig({
  test: {
    setupFiles: ['test/ts-loader.setup.ts'],
    // Every test that could deadlock fails instead of hanging.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Strategy runs spawn worker threads; run files one at a time so they do not compete for 2 cores.
    fileParallelism: false,
    projects: [
      // Pure logic: two files at a time (one per core), in workers that are kept from one file to
      // the next (no fresh process, no second import of the same modules per file). The group runs
      // first, alone; then the slow files, one at a time.
      { extends: true, test: { name: 'fast', include: fastTests, isolate: false, fileParallelism: true, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'slow', include: ['test/**/*.test.ts'], exclude: fastTests, sequence: { groupOrder: 1 } } },
    ],
  },
});
