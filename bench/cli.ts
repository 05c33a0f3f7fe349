/**
 * `npm run bench`: runs the suite and prints one table per workload and latency profile.
 * With no options it runs the default suite and rewrites `results/`. See `--help`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { strategies, strategyNames, type StrategyName } from '../strategies/registry.ts';
import { environment } from './environment.ts';
import { latencyNames, latencyProfiles, type LatencyName } from './latency.ts';
import { renderMarkdown, writeAtomically, type Report } from './report.ts';
import { runSuite, type Progress, type SuiteSettings } from './suite.ts';
import { renderTerminal } from './table.ts';
import { workloadNames, workloads, type WorkloadName } from './workloads.ts';

/** Exit code for a bad command line: nothing was run. */
const USAGE_ERROR = 2;

/** Accepted ranges of the numeric options. */
export const limits = {
  clients: { min: 1, max: 4096 },
  threads: { min: 1, max: 256 },
  tickets: { min: 1, max: 1_000_000 },
  repeat: { min: 1, max: 100 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

class UsageError extends Error {}

function integer(flag: keyof typeof limits) {
  const { min, max } = limits[flag];
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`--${flag} '${value}' is not accepted: give a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function list<T extends string>(flag: string, valid: readonly T[]) {
  return (value: string): T[] => {
    const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const unknown = names.filter((n) => !(valid as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) {
      throw new UsageError(`--${flag} '${value}' is not accepted: choose from ${valid.join(', ')} (comma-separated)`);
    }
    return [...new Set(names)] as T[];
  };
}

function writablePath(value: string): string {
  const path = resolve(value);
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--json '${value}' is not accepted: its directory ${dir} does not exist or is not writable`);
  }
  return path;
}

function program(): Command {
  return new Command()
    .name('npm run bench --')
    .description(
      "Runs the two workloads of the multiprocessing.Lock tutorial (ordered-print, ticket-rush) under each synchronisation strategy and " +
        'prints throughput, correctness (from the event log and the final db) and serialisation cost. ' +
        'With no options: the default suite, whose tables and JSON are written to results/.',
    )
    .addOption(new Option('--workload <names>', `workloads, comma-separated: ${workloadNames.join(', ')}`).default(workloadNames, 'all'))
    .addOption(new Option('--strategy <names>', `strategies, comma-separated: ${strategyNames.join(', ')}`).default(strategyNames, 'all'))
    .addOption(new Option('--latency <names>', `latency profiles, comma-separated: ${latencyNames.join(', ')}`).default(['doc', 'zero'], 'doc,zero'))
    .addOption(new Option('--clients <n>', `clients per run (${limits.clients.min}–${limits.clients.max}); default: the workload's own (ordered-print ${workloads['ordered-print'].defaultClients}, ticket-rush ${workloads['ticket-rush'].defaultClients})`))
    .addOption(new Option('--threads <n>', `worker threads in the client pool (${limits.threads.min}–${limits.threads.max})`).default(os.availableParallelism(), 'the number of cores'))
    .addOption(new Option('--tickets <n>', `tickets in the db at start, ticket-rush (${limits.tickets.min}–${limits.tickets.max})`).default(1))
    .addOption(new Option('--repeat <n>', `repetitions of every setting (${limits.repeat.min}–${limits.repeat.max})`).default(3))
    .addOption(new Option('--seed <n>', "seed of ordered-print's random sleeps").default(1))
    .addOption(new Option('--json <path>', 'also write the figures of this run as JSON to <path>'))
    .option('--list', 'list the workloads, strategies and latency profiles, then exit')
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${(text.split('\n')[0] ?? '').replace(/\.$/, '')}; run with --help for the accepted options\n`) });
}

interface Parsed {
  readonly suite: SuiteSettings;
  readonly json: string | null;
  readonly list: boolean;
  /** Every option at its default: the run is the default suite. */
  readonly isDefaultSuite: boolean;
  readonly args: string;
}

function parse(argv: readonly string[]): Parsed {
  const cmd = program();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<Record<string, unknown>>();
  const given = (key: string) => cmd.getOptionValueSource(key) !== 'default' && o[key] !== undefined;
  const str = (key: string) => String(o[key]);
  const suite: SuiteSettings = {
    workloads: given('workload') ? list<WorkloadName>('workload', workloadNames)(str('workload')) : workloadNames,
    strategies: given('strategy') ? list<StrategyName>('strategy', strategyNames)(str('strategy')) : strategyNames,
    latencies: given('latency') ? list<LatencyName>('latency', latencyNames)(str('latency')) : ['doc', 'zero'],
    clients: given('clients') ? integer('clients')(str('clients')) : null,
    threads: given('threads') ? integer('threads')(str('threads')) : os.availableParallelism(),
    tickets: given('tickets') ? integer('tickets')(str('tickets')) : 1,
    repeat: given('repeat') ? integer('repeat')(str('repeat')) : 3,
    seed: given('seed') ? integer('seed')(str('seed')) : 1,
  };
  const json = given('json') ? writablePath(str('json')) : null;
  const isDefaultSuite = ['workload', 'strategy', 'latency', 'clients', 'threads', 'tickets', 'repeat', 'seed'].every((k) => !given(k));
  return { suite, json, list: o.list === true, isDefaultSuite, args: argv.join(' ') };
}

function listing(): string {
  const lines = ['workloads:'];
  for (const name of workloadNames) lines.push(`  ${name.padEnd(16)} ${workloads[name].description}`);
  lines.push('strategies:');
  for (const name of strategyNames) {
    const s = strategies[name];
    lines.push(`  ${name.padEnd(16)} ${s.description}`, `  ${''.padEnd(16)} ${s.paradigm}; state: ${s.stateLocation}; reach: ${s.reach}`);
  }
  lines.push('latency profiles:');
  for (const name of latencyNames) lines.push(`  ${name.padEnd(16)} ${latencyProfiles[name].description}`);
  return `${lines.join('\n')}\n`;
}

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A one-line progress report, rewritten in place; only on a terminal, so pipes and files stay clean. */
function progressLine(p: Progress): void {
  if (!process.stderr.isTTY) return;
  const left = p.done > 0 ? `, ~${minutes((p.elapsedMs / p.done) * (p.total - p.done))} left` : '';
  const s = p.settings;
  process.stderr.write(
    `\r\x1b[K[${p.done + 1}/${p.total}] ${s.workload} · ${s.latency.name} · ${s.strategy} · repetition ${p.repetition} · ${minutes(p.elapsedMs)} elapsed${left}`,
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return USAGE_ERROR;
    }
    throw error;
  }
  if (parsed.list) {
    process.stdout.write(listing());
    return 0;
  }

  const rows = await runSuite(parsed.suite, progressLine);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(renderTerminal(rows));

  const report: Report = { schema: 'sync-bench/results@1', environment: environment(), command: parsed.args, settings: parsed.suite, rows };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (parsed.json !== null) {
    await writeAtomically(parsed.json, json);
    process.stderr.write(`wrote ${parsed.json}\n`);
  }
  if (parsed.isDefaultSuite) {
    await writeAtomically(`${resultsDir}default-suite.md`, renderMarkdown(report));
    await writeAtomically(`${resultsDir}default-suite.json`, json);
    process.stderr.write('wrote results/default-suite.md and results/default-suite.json\n');
  }
  const failed = rows.filter((r) => r.verdict === 'failed');
  if (failed.length > 0) {
    process.stderr.write(`${failed.length} row(s) failed: ${failed.map((r) => `${r.workload}/${r.latency}/${r.strategy}`).join(', ')}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
