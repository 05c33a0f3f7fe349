/**
 * `npm run bench:sweep`: the scaling and contention sweeps (see `sweep.ts`). With no options it
 * runs every axis under every strategy and rewrites `results/sweep.*` and its charts. See `--help`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { strategies, strategyNames, type StrategyName } from '../../strategies/registry.ts';
import { unavailableStrategies } from '../engines/availability.ts';
import { serviceUrls, shownArgs, shownServices } from '../engines/services.ts';
import { environmentAtStart, finishEnvironment } from '../reports/environment.ts';
import { interruptible, throwIfInterrupted } from './interrupt.ts';
import { decimalList, integer, integerList, jsonOutput, list, parseArguments, givenServices, withConventions, withServiceOptions, writableDir } from './options.ts';
import { clearProgress, showProgress } from './progress.ts';
import { checkTemporaryFolder } from './preflight.ts';
import { resultsDir, saveReport, tableStream, writeFiles } from '../reports/report.ts';
import { refreshHtmlReport } from '../reports/html-report.ts';
import { defaultSweep, runSweep, sweepAxes, type SweepAxis, type SweepProgress, type SweepSettings } from '../suites/sweep.ts';
import { renderSweepCharts, renderSweepMarkdown, renderSweepTerminal, type SweepReport } from '../reports/sweep-report.ts';
import { USAGE_ERROR, usageExitCode, UsageError } from './usage-error.ts';
import { runEntry } from './entry.ts';
import { writeMessage } from './message-line.ts';

const d = defaultSweep;

function program(): Command {
  return withServiceOptions(program0());
}

/** The command without its server options (see `withServiceOptions`). */
function program0(): Command {
  return withConventions(new Command())
    .name('npm run bench:sweep --')
    .description(
      'Scaling and contention sweeps: ticket-rush at latency zero, in timed runs where every client buys again and again, under each strategy. ' +
        'Prints throughput (ops/s), wait percentiles, acquisitions per client and Jain\'s fairness index against clients, worker threads, and ' +
        'critical-section length relative to the work outside it. With no options: every axis, written to results/sweep.md, results/sweep.json and SVG charts.',
    )
    .addOption(new Option('--axis <names>', `axes, comma-separated: ${sweepAxes.join(', ')}`).default(d.axes, d.axes.join(',')))
    .addOption(new Option('--strategy <names>', `strategies, comma-separated: ${strategyNames.join(', ')}`).default(strategyNames, 'all'))
    .addOption(new Option('--clients <list>', `clients axis: client counts (1–4096), on --threads threads`).default(d.clientCounts, d.clientCounts.join(',')))
    .addOption(new Option('--threads <n>', 'worker threads of the clients and cs axes (1–256)').default(d.threads, 'the number of cores'))
    .addOption(new Option('--thread-counts <list>', `threads axis: thread counts (1–256), with ${d.threadsAxisClients} clients`).default(d.threadCounts, d.threadCounts.join(',')))
    .addOption(new Option('--inside <list>', `cs axis: busy work inside the critical section, µs (0–100000), each against ${d.outsideUs} µs outside, ${d.csAxisClients} clients`).default(d.insideUs, d.insideUs.join(',')))
    .addOption(new Option('--rtt <list>', `rtt axis: round trips to the servers, ms (0–10000), with ${d.rttAxisClients} clients; strategies whose state or broker is a server`).default(d.rttMs, d.rttMs.join(',')))
    .option('--require-services', 'a strategy whose server does not answer is an error (exit 1); without it, the strategy is left out, saying so')
    .addOption(new Option('--repeat <n>', 'repetitions of every point (1–100)').default(d.repeat))
    .addOption(new Option('--window <ms>', 'measurement window of each run, ms (10–60000)').default(d.measureMs))
    .addOption(new Option('--warmup <ms>', 'warm-up before the window, ms (0–60000)').default(d.warmupMs))
    .addOption(new Option('--json <path>', "also write the figures as JSON to <path>; '-' writes the JSON to standard output and the tables to standard error"))
    .addOption(new Option('--render <json>', "run nothing: redraw the Markdown and the charts of an earlier sweep from its JSON, into the JSON's own folder or --out"))
    .addOption(new Option('--out <dir>', 'write sweep.md, sweep.json and the SVG charts into <dir> (an existing folder), as the default run does into results/'));
}

/** A command line of `npm run bench:sweep`, read. */
export interface Parsed {
  /** --render: the JSON of an earlier sweep to redraw, or null. */
  readonly render: string | null;
  readonly settings: SweepSettings;
  readonly json: string | null;
  readonly isDefault: boolean;
  /** --out, or null. */
  readonly dir: string | null;
  readonly args: string;
  /** --require-services: a strategy whose server does not answer is an error. */
  readonly requireServices: boolean;
}

/**
 * Reads `argv` (the arguments after the script) without running or writing anything. Throws a
 * {@link UsageError} (or a commander error, already printed as one line on stderr) for a bad
 * command line: `main` turns either into exit code 2 with `usageExitCode`. A `--render` file that
 * is not a sweep's JSON is found only when it is read, by `main`.
 */
export function parse(argv: readonly string[]): Parsed {
  const { given, str } = parseArguments(program(), argv);
  const settings: SweepSettings = {
    ...d,
    axes: given('axis') ? list<SweepAxis>('axis', sweepAxes)(str('axis')) : d.axes,
    strategies: given('strategy') ? list<StrategyName>('strategy', strategyNames)(str('strategy')) : d.strategies,
    clientCounts: given('clients') ? integerList('clients', 1, 4096)(str('clients')) : d.clientCounts,
    threads: given('threads') ? integer('threads', 1, 256)(str('threads')) : d.threads,
    threadCounts: given('threadCounts') ? integerList('thread-counts', 1, 256)(str('threadCounts')) : d.threadCounts,
    insideUs: given('inside') ? integerList('inside', 0, 100_000)(str('inside')) : d.insideUs,
    repeat: given('repeat') ? integer('repeat', 1, 100)(str('repeat')) : d.repeat,
    measureMs: given('window') ? integer('window', 10, 60_000)(str('window')) : d.measureMs,
    warmupMs: given('warmup') ? integer('warmup', 0, 60_000)(str('warmup')) : d.warmupMs,
    rttMs: given('rtt') ? decimalList('rtt', 0, 10_000)(str('rtt')) : d.rttMs,
    services: givenServices(given, str),
  };
  const settingsGiven = ['axis', 'strategy', 'clients', 'threads', 'threadCounts', 'inside', 'repeat', 'window', 'warmup', 'rtt'].filter(given);
  let render: string | null = null;
  if (given('render')) {
    if (settingsGiven.length > 0 || given('json')) throw new UsageError('--render is not accepted with other options than --out: it redraws an earlier sweep as it was');
    render = str('render');
    if (!existsSync(render)) throw new UsageError(`--render '${render}' is not accepted: no such file`);
  }
  return {
    render,
    settings,
    json: given('json') ? jsonOutput('json', str('json')) : null,
    isDefault: settingsGiven.length === 0,
    dir: given('out') ? writableDir('out', str('out')) : null,
    args: shownArgs(argv),
    requireServices: given('requireServices'),
  };
}

function progressLine(p: SweepProgress): void {
  const shape =
    p.point.axis === 'cs'
      ? `${p.point.work.insideUs}:${p.point.work.outsideUs} µs inside:outside`
      : `${p.point.clients} clients on ${p.point.threads} threads${p.point.axis === 'rtt' ? `, ${p.point.rttMs} ms round trip` : ''}`;
  showProgress(p.done, p.total, `${p.point.axis} axis · ${shape} · ${p.strategy} · repetition ${p.repetition}`, p.elapsedMs);
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
    if (parsed.render === null) checkTemporaryFolder();
  } catch (error) {
    return usageExitCode(error);
  }
  if (parsed.render !== null) return redraw(parsed.render, parsed.dir);
  const services = parsed.settings.services ?? serviceUrls();
  const skipped = await unavailableStrategies(parsed.settings.strategies.map((name) => [name, strategies[name]] as const), services);
  if (Object.keys(skipped).length > 0) {
    const said = `${Object.keys(skipped).join(', ')}: ${[...new Set(Object.values(skipped))].join('; ')}`;
    if (parsed.requireServices) {
      writeMessage(`--require-services: cannot run ${said}`);
      return 1;
    }
    writeMessage(`leaving out ${said}`);
  }
  const settings: SweepSettings = { ...parsed.settings, strategies: parsed.settings.strategies.filter((name) => skipped[name] === undefined) };
  return interruptible(async (signal) => {
    const started = environmentAtStart();
    const rows = await runSweep(settings, progressLine, signal);
    clearProgress();
    throwIfInterrupted(signal);
    const report: SweepReport = { schema: 'sync-bench/sweep@1', environment: finishEnvironment(started), command: parsed.args, settings: { ...settings, services: shownServices(services) }, rows };
    const files = parsed.isDefault || parsed.dir !== null ? { 'sweep.md': renderSweepMarkdown(report), ...(await renderSweepCharts(rows)) } : {};
    // Saved before shown: a closed or broken output loses nothing that was measured.
    const saved = await saveReport(parsed, report, 'sweep', files);
    if (saved) await refreshHtmlReport(parsed.dir ?? (parsed.isDefault ? resultsDir : null));
    tableStream(parsed.json).write(renderSweepTerminal(rows, settings));
    if (!saved) return 1;
    const bad = rows.filter((r) => r.verdict === 'failed' || (r.covered && r.verdict !== 'correct'));
    if (bad.length > 0) {
      writeMessage(`${bad.length} point(s) failed or were incorrect under a strategy that promises correctness: ${bad.map((r) => `${r.axis}=${r.x}/${r.strategy}`).join(', ')}`);
      return 1;
    }
    return 0;
  });
}

/** Redraws the Markdown and the charts of an earlier sweep from its JSON (`--render`), next to it or into `dir`. */
async function redraw(path: string, dir: string | null): Promise<number> {
  let report: SweepReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as SweepReport;
    if (report.schema !== 'sync-bench/sweep@1') throw new Error(`schema ${String(report.schema)}`);
  } catch (error) {
    writeMessage(`error: --render '${path}' is not accepted: not the JSON of a sweep (${error instanceof Error ? error.message : String(error)})`);
    return USAGE_ERROR;
  }
  const files = { 'sweep.md': renderSweepMarkdown(report), ...(await renderSweepCharts(report.rows)) };
  const failures = await writeFiles(dir ?? dirname(resolve(path)), files);
  for (const failure of failures) writeMessage(`error: could not write ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

void runEntry(import.meta.url, main);
