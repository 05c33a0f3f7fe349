/**
 * `npm run bench:sweep`: the scaling and contention sweeps (see `sweep.ts`). With no options it
 * runs every axis under every strategy and rewrites `results/sweep.*` and its charts. See `--help`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { strategyNames, type StrategyName } from '../strategies/registry.ts';
import { environment } from './environment.ts';
import { interruptible } from './interrupt.ts';
import { integer, integerList, list, writableDir, writablePath } from './options.ts';
import { clearProgress, showProgress } from './progress.ts';
import { saveReport } from './report.ts';
import { defaultSweep, runSweep, sweepAxes, type SweepAxis, type SweepProgress, type SweepSettings } from './sweep.ts';
import { renderSweepCharts, renderSweepMarkdown, renderSweepTerminal, type SweepReport } from './sweep-report.ts';
import { usageExitCode } from './usage-error.ts';

const d = defaultSweep;

function program(): Command {
  return new Command()
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
    .addOption(new Option('--repeat <n>', 'repetitions of every point (1–100)').default(d.repeat))
    .addOption(new Option('--window <ms>', 'measurement window of each run, ms (10–60000)').default(d.measureMs))
    .addOption(new Option('--warmup <ms>', 'warm-up before the window, ms (0–60000)').default(d.warmupMs))
    .addOption(new Option('--json <path>', 'also write the figures as JSON to <path>'))
    .addOption(new Option('--out <dir>', 'write sweep.md, sweep.json and the SVG charts into <dir> (an existing folder), as the default run does into results/'))
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${(text.split('\n')[0] ?? '').replace(/\.$/, '')}; run with --help for the accepted options\n`) });
}

interface Parsed {
  readonly settings: SweepSettings;
  readonly json: string | null;
  readonly isDefault: boolean;
  /** --out, or null. */
  readonly dir: string | null;
  readonly args: string;
}

function parse(argv: readonly string[]): Parsed {
  const cmd = program();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<Record<string, unknown>>();
  const given = (key: string) => cmd.getOptionValueSource(key) !== 'default' && o[key] !== undefined;
  const str = (key: string) => String(o[key]);
  const settings: SweepSettings = {
    ...d,
    axes: given('axis') ? list<SweepAxis>('axis', sweepAxes)(str('axis')) : d.axes,
    strategies: given('strategy') ? list<StrategyName>('strategy', strategyNames)(str('strategy')) : strategyNames,
    clientCounts: given('clients') ? integerList('clients', 1, 4096)(str('clients')) : d.clientCounts,
    threads: given('threads') ? integer('threads', 1, 256)(str('threads')) : d.threads,
    threadCounts: given('threadCounts') ? integerList('thread-counts', 1, 256)(str('threadCounts')) : d.threadCounts,
    insideUs: given('inside') ? integerList('inside', 0, 100_000)(str('inside')) : d.insideUs,
    repeat: given('repeat') ? integer('repeat', 1, 100)(str('repeat')) : d.repeat,
    measureMs: given('window') ? integer('window', 10, 60_000)(str('window')) : d.measureMs,
    warmupMs: given('warmup') ? integer('warmup', 0, 60_000)(str('warmup')) : d.warmupMs,
  };
  const settingsGiven = ['axis', 'strategy', 'clients', 'threads', 'threadCounts', 'inside', 'repeat', 'window', 'warmup'].filter(given);
  return {
    settings,
    json: given('json') ? writablePath('json', str('json')) : null,
    isDefault: settingsGiven.length === 0,
    dir: given('out') ? writableDir('out', str('out')) : null,
    args: argv.join(' '),
  };
}

function progressLine(p: SweepProgress): void {
  const shape = p.point.axis === 'cs' ? `${p.point.work.insideUs}:${p.point.work.outsideUs} µs inside:outside` : `${p.point.clients} clients on ${p.point.threads} threads`;
  showProgress(p.done, p.total, `${p.point.axis} axis · ${shape} · ${p.strategy} · repetition ${p.repetition}`, p.elapsedMs);
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usageExitCode(error);
  }
  return interruptible(async (signal) => {
    const rows = await runSweep(parsed.settings, progressLine, signal);
    clearProgress();
    process.stdout.write(renderSweepTerminal(rows, parsed.settings));
    const report: SweepReport = { schema: 'sync-bench/sweep@1', environment: environment(), command: parsed.args, settings: parsed.settings, rows };
    const files = parsed.isDefault || parsed.dir !== null ? { 'sweep.md': renderSweepMarkdown(report), ...(await renderSweepCharts(rows)) } : {};
    await saveReport(parsed, report, 'sweep', files);
    const bad = rows.filter((r) => r.verdict === 'failed' || (r.covered && r.verdict !== 'correct'));
    if (bad.length > 0) {
      process.stderr.write(`${bad.length} point(s) failed or were incorrect under a strategy that promises correctness: ${bad.map((r) => `${r.axis}=${r.x}/${r.strategy}`).join(', ')}\n`);
      return 1;
    }
    return 0;
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
