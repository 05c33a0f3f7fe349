/**
 * Mutation testing of the modules that decide verdicts (`npm run test:mutation`, not in CI: it
 * takes tens of minutes). Every mutant that survives is a missing test or dead code.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  // related: false: vitest cannot map this project's .ts imports back to their tests, so every test of the config runs.
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'bench/evidence/log-analysis.ts',
    'bench/workloads/ticket-rush.ts',
    'bench/workloads/ordered-print.ts',
    'bench/suites/summary.ts',
    'bench/verdicts/judge.ts',
    'bench/verdicts/fault-verdict.ts',
    'bench/histories/linearizability.ts',
    'bench/histories/ticket-counter.ts',
    'bench/reports/comparison.ts',
    'strategies/atomics-mutex.ts',
  ],
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: 'node_modules/.cache/stryker-tmp',
  concurrency: 1,
  timeoutMS: 20000,
  thresholds: { high: 90, low: 75, break: null },
};
