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
};
