/**
 * A strategy can import only its kit: the `no-restricted-imports` rule of `eslint.config.js` for
 * `strategies/**`, run here alone (without type information, so it takes a second) on strategy
 * sources that reach for the evidence, the history, the verdict or the run loop, and on ones that
 * import only what the kit allows.
 */
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const { default: config } = (await import(new URL('../eslint.config.js', import.meta.url).href)) as { default: Linter.Config[] };
/** The project's block for strategies: the one that restricts their imports. */
const strategyBlock = config.find((block) => block.rules?.['no-restricted-imports'] !== undefined && block.files?.includes('strategies/**/*.ts') === true);

async function restricted(source: string): Promise<string[]> {
  if (strategyBlock === undefined) throw new Error('eslint.config.js has no no-restricted-imports block for strategies/**');
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, { files: strategyBlock.files, rules: strategyBlock.rules }],
  });
  const [result] = await eslint.lintText(source, { filePath: 'strategies/kit-probe.ts' });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe("a strategy's imports", () => {
  it.each([
    ['the event log', '../bench/evidence/event-log.ts'],
    ['the log analysis', '../bench/evidence/log-analysis.ts'],
    ['the history', '../bench/histories/run-history.ts'],
    ['the verdict', '../bench/verdicts/judge.ts'],
    ['the run loop', '../bench/runners/run.ts'],
    ['the fault gate', '../bench/faults/fault-gate.ts'],
  ])('may not reach %s (%s)', async (_what, path) => {
    expect(await restricted(`import * as m from '${path}';\nexport const x = m;\n`)).toEqual([expect.stringMatching(/^'.*' import is restricted .*a strategy may import only its kit/)]);
  });

  it('may import its kit, the listed harness modules, built-ins and packages', async () => {
    const source = [
      "import type { Strategy } from './strategy.ts';",
      "import { sleep } from '../bench/coordination/sleep.ts';",
      "import type { Operation } from '../bench/workloads/operation.ts';",
      "import { readFileSync } from 'node:fs';",
      "import pg from 'pg';",
      'export const x: [unknown, Operation?, Strategy?] = [[sleep, readFileSync, pg]];',
    ].join('\n');
    expect(await restricted(source)).toEqual([]);
  });
});
