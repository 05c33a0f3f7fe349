/**
 * The guide to adding a strategy (strategies/README.md) cannot drift from the code: its example
 * module is taken from the page as it is, type-checked against the real interface, then loaded as
 * a strategy for this test only (as the mutation suite loads its broken ones) and run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { parse as parseBench } from '../bench/commands/bench.ts';
import { runnerNames } from '../bench/runners/runner.ts';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import type { StrategyName } from '../strategies/registry.ts';
import { scratchCheckout } from './fixtures/scratch-checkout.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(join(root, 'strategies/README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'sync-bench-guide-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The page's example module exactly as it is printed (its file: strategies/ticket-lock.ts). */
function exampleBlock(): string {
  const block = /```ts\n(\/\/ strategies\/ticket-lock\.ts\n[\s\S]*?)```/.exec(guide)?.[1];
  if (block === undefined) throw new Error('strategies/README.md has no ```ts block starting with // strategies/ticket-lock.ts');
  return block;
}

/** The page's example module, with its import pointed at the real interface and a default export added. */
function exampleModule(): string {
  const block = exampleBlock();
  return `${block.replace("from './strategy.ts'", `from ${JSON.stringify(join(root, 'strategies/strategy.ts'))}`)}\nexport default ticketLock;\n`;
}

const file = join(dir, 'ticket-lock.ts');
writeFileSync(file, exampleModule());
// An ES module, as every module of the project is (its package.json says "type": "module").
writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');

describe("the guide's example strategy", () => {
  it('type-checks against the real Strategy interface', () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
    const options = ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
    const program = ts.createProgram([file], { ...options, noEmit: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  // A plain string: the assertion below stays needed when the example is registered (a literal's would become redundant).
  const name: string = 'ticket-lock';
  const base: RunSettings = {
    workload: 'ticket-rush',
    strategy: name as StrategyName,
    strategyModule: pathToFileURL(file).href,
    clients: 20,
    threads: 2,
    tickets: 12,
    latency: latencyProfiles.quick,
    seed: 1,
    staggerMs: 0,
    fault: null,
  };

  it('keeps its promises when run: every ticket sold once, no overlap, and ordered prints adjacent', async () => {
    const rush = await runOnce(base);
    expect(rush.status === 'completed' && rush.problems).toEqual([]);
    const print = await runOnce({ ...base, workload: 'ordered-print', clients: 6 });
    expect(print.status === 'completed' && print.problems).toEqual([]);
  });

  it('is "not applicable" to crash-in-cs once registered as the page says, with its reason, and the fault run exits 0', () => {
    // Registered in a copy of the checkout, exactly as step 1 says, and run as a user would.
    const copy = scratchCheckout([{ name: 'ticket-lock', module: 'test/guide-example/ticket-lock.ts', exported: 'ticketLock' }]);
    try {
      mkdirSync(copy.path('test/guide-example'));
      writeFileSync(copy.path('test/guide-example/ticket-lock.ts'), exampleModule());
      const json = join(dir, 'fault.json');
      const child = spawnSync(process.execPath, [...tsWorkerExecArgv, copy.path('bench/commands/bench.ts'), '--fault', 'crash-in-cs', '--strategy', 'ticket-lock', '--runner', 'threads', '--repeat', '1', '--json', json], {
        encoding: 'utf8',
        env: { ...process.env, TSX_DISABLE_CACHE: '1' },
        timeout: 120_000,
      });
      expect(child.status, child.stderr).toBe(0);
      const report = JSON.parse(readFileSync(json, 'utf8')) as { rows: { strategy: string; design: string; userSees: string[]; repetitions: number }[] };
      expect(report.rows.map((r) => [r.strategy, r.repetitions, r.userSees])).toEqual([['ticket-lock', 0, ['not applicable']]]);
      expect(report.rows[0]?.design).toMatch(/^not applicable to crash-in-cs: it does not recover from a holder's crash \(none: a dead holder never serves/);
    } finally {
      copy.remove();
    }
  });

  it("passes the project's lint once in strategies/ and registered as the page says, and so do the registry and this test", async () => {
    // The file where step 1 puts it, unchanged; the registry entry the page shows. A test the
    // newcomer never touched must not start failing (a cast that the registration makes redundant).
    const copy = scratchCheckout([{ name: 'ticket-lock', module: 'strategies/ticket-lock.ts', exported: 'ticketLock' }]);
    try {
      writeFileSync(copy.path('strategies/ticket-lock.ts'), exampleBlock());
      const eslint = new ESLint({ cwd: copy.root });
      const results = await eslint.lintFiles(['strategies/ticket-lock.ts', 'strategies/registry.ts', 'test/strategy-guide.test.ts']);
      const messages = results.flatMap((r) => r.messages.map((m) => `${relative(copy.root, r.filePath)}:${m.line} ${m.ruleId ?? 'parse'}: ${m.message}`));
      expect(messages).toEqual([]);
      expect(results.map((r) => relative(copy.root, r.filePath)).sort()).toEqual(['strategies/registry.ts', 'strategies/ticket-lock.ts', 'test/strategy-guide.test.ts']);
    } finally {
      copy.remove();
    }
  }, 300_000);
});

describe("the guide's measuring step", () => {
  it('says the repetitions and runners the bare command runs', () => {
    const step = /^3\. Measure it next to a neighbour[\s\S]*?(?=^4\. )/m.exec(guide)?.[0];
    if (step === undefined) throw new Error('strategies/README.md has no step "3. Measure it next to a neighbour"');
    const parsed = parseBench(['--strategy', 'atomics-mutex']);
    if (parsed.mode !== 'suite') throw new Error(`expected a suite, got ${parsed.mode}`);
    expect(/at most (\d+) repetitions/.exec(step)?.[1]).toBe(String(parsed.suite.repeat));
    expect(runnerNames.length === 2 && step.includes('both runners') && [...new Set(parsed.suite.runners)].sort()).toEqual([...runnerNames].sort());
  });
});
