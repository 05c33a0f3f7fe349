/**
 * Mutation testing of the two verdict functions alone (`judge` and the fault table's judgement)
 * against their own tests: minutes, where the full list (`stryker.config.mjs`) takes an hour on a
 * loaded machine. Run: `npx stryker run test/mutation/verdicts.stryker.config.mjs`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  vitest: { configFile: 'test/mutation/verdicts.vitest.config.ts', related: false },
  mutate: ['bench/verdicts/judge.ts', 'bench/verdicts/fault-verdict.ts'],
  jsonReporter: { fileName: 'reports/mutation/verdicts.json' },
  tempDirName: 'node_modules/.cache/stryker-verdicts-tmp',
  concurrency: 2,
  // No mutant of these two modules can loop (they hold no loop of their own; a callback run too
  // often is caught by Stryker's hit limit), so a time-out is only a loaded machine: each one
  // restarts a test runner, which on a busy 2-core machine costs more than the mutant. Wait long.
  timeoutMS: 60000,
  // Re-runs test only the mutants whose code or tests changed since the last run (the file is kept beside the report).
  incremental: true,
  incrementalFile: 'reports/mutation/verdicts-incremental.json',
};
