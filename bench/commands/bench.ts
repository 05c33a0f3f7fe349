/**
 * `npm run bench`: runs the suite and prints one table per workload and latency profile.
 * With no options it runs the default suite and rewrites `results/`. See `--help`.
 */
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { Command, Option } from 'commander';
import { strategies, strategyNames, type StrategyName } from '../../strategies/registry.ts';
import { plural } from '../reports/columns.ts';
import { environmentAtStart, finishEnvironment } from '../reports/environment.ts';
import { historyWriter } from '../suites/history-writer.ts';
import { renderReferenceTerminal, runReferences, wantsReference } from '../suites/reference-suite.ts';
import { faultNames, type FaultName } from '../faults/registry.ts';
import { PYTHON_REFERENCE, renderFaultMarkdown, renderFaultTerminal, runFaultSuite, type FaultReport, type FaultRow, type FaultSuiteSettings } from '../suites/fault-suite.ts';
import { interruptible, throwIfInterrupted } from './interrupt.ts';
import { latencyNames, latencyProfiles, type LatencyName } from '../workloads/latency.ts';
import { decimal, integer as integerOption, jsonOutput, list, parseArguments, sameFile, givenServices, withConventions, withServiceOptions, writableDir } from './options.ts';
import { unavailableStrategies } from '../engines/availability.ts';
import { deadRunNamespaces, deadRunNamespacesLine, terminateDeadRunBackends, terminatedBackendsLine } from '../engines/dead-run-namespaces.ts';
import { engineOf } from '../engines/availability.ts';
import { shownArgs, shownServices, type ServiceUrls } from '../engines/services.ts';
import { clearProgress, showProgress } from './progress.ts';
import { checkTemporaryFolder } from './preflight.ts';
import { runnerNames, type RunnerName } from '../runners/runner.ts';
import { renderMarkdown, resultsDir, saveReport, STDOUT, tableStream, type Report } from '../reports/report.ts';
import { refreshHtmlReport } from '../reports/html-report.ts';
import { runSuite, type Progress, type SuiteSettings } from '../suites/suite.ts';
import { CONVERGES_FROM, MIN_REPETITIONS } from '../suites/precision.ts';
import { estimateSuite } from '../suites/suite-estimate.ts';
import type { ResultRow } from '../suites/summary.ts';
import { outputWidth, renderTerminal } from '../reports/table.ts';
import { wrapText } from '../reports/text-width.ts';
import { columnsOption, terminalLayout, wideOption } from '../reports/column-choice.ts';
import { usageExitCode, UsageError } from './usage-error.ts';
import { suiteWorkloadNames, workloadNames, workloads, type WorkloadName } from '../workloads/registry.ts';
import { runEntry } from './entry.ts';
import { writeMessage } from './message-line.ts';
import { addPhase, phaseLines, timed } from '../suites/phase-timings.ts';

/** Accepted ranges of the numeric options. */
export const limits = {
  clients: { min: 1, max: 4096 },
  threads: { min: 1, max: 256 },
  processes: { min: 1, max: 4096 },
  tickets: { min: 0, max: 1_000_000 },
  repeat: { min: 1, max: 100 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  rtt: { min: 0, max: 10_000 },
} as const;

/** The largest db file --db reads, bytes. */
const MAX_DB_BYTES = 1 << 20;

/**
 * The most repetitions a suite row runs unless --repeat says otherwise. A row stops earlier, from
 * 6 repetitions on (the fewest with a 95% interval of the median), once its median wall time is
 * known within 1% or 2 ms (see `suites/precision.ts`). The cap is 6 because a 7th repetition
 * rarely makes a row converge: at 6 and at 7 repetitions the 95% interval of the median is the
 * min–max (at 7 the next one, 2nd to 6th, covers only 87.5%), one more value never narrows a
 * min–max, and only a median moved toward the middle of the range could bring it within 1%.
 */
const SUITE_REPEAT = 6;
/** Repetitions of a fault run unless --repeat says otherwise. */
const FAULT_REPEAT = 3;

/**
 * `--quick`: the tutorial's question answered in about a minute. Ticket-rush at the tutorial's
 * latencies with no lock (`none`), a lock (`flock`, the kernel's lock on the db file) and message
 * passing (`queue-owner`, one owner holds the state), under threads (a worker-thread pool starts
 * faster than 50 processes), 3 repetitions: each row's verdict, from the event log, the final db and
 * the clients' history, and its wall time. Any setting given beside --quick replaces its choice
 * (e.g. --quick --runner processes). It writes no results/ file: only --json writes, where asked.
 */
export const QUICK = {
  workloads: ['ticket-rush'],
  strategies: ['none', 'flock', 'queue-owner'],
  latencies: ['doc'],
  runners: ['threads'],
  repeat: 3,
} as const satisfies { workloads: readonly WorkloadName[]; strategies: readonly StrategyName[]; latencies: readonly LatencyName[]; runners: readonly RunnerName[]; repeat: number };

/** Clients of a fault run unless --clients says otherwise: the victim and 9 survivors. */
const FAULT_DEFAULT_CLIENTS = 10;


function integer(flag: keyof typeof limits) {
  return integerOption(flag, limits[flag].min, limits[flag].max);
}

function program(): Command {
  return withServiceOptions(program0());
}

/** The command without its server options (see `withServiceOptions`). */
function program0(): Command {
  return withConventions(new Command())
    .name('npm run bench --')
    .description(
      "Runs the two workloads of the multiprocessing.Lock tutorial (ordered-print, ticket-rush) under each synchronisation strategy and " +
        'prints throughput, correctness (from the event log and the final db) and serialisation cost. ' +
        'With no options: the default suite, whose tables and JSON are written to results/.',
    )
    .addOption(new Option('--workload <names>', `workloads, comma-separated: ${workloadNames.join(', ')}`).default(suiteWorkloadNames, suiteWorkloadNames.join(',')))
    .addOption(new Option('--strategy <names>', `strategies, comma-separated: ${strategyNames.join(', ')}`).default(strategyNames, 'all'))
    .addOption(new Option('--latency <names>', `latency profiles, comma-separated: ${latencyNames.join(', ')}`).default(['doc', 'zero'], 'doc,zero'))
    .addOption(new Option('--clients <n>', `clients per run (${limits.clients.min}–${limits.clients.max}); default: the workload's own (ordered-print ${workloads['ordered-print'].defaultClients}, ticket-rush ${workloads['ticket-rush'].defaultClients})`))
    .addOption(new Option('--runner <names>', `where the clients run, comma-separated: ${runnerNames.join(' (worker threads of one process), ')} (Node processes of their own)`).default(runnerNames, runnerNames.join(',')))
    .addOption(new Option('--threads <n>', `worker threads in the client pool, threads runner (${limits.threads.min}–${limits.threads.max})`).default(os.availableParallelism(), 'the number of cores'))
    .addOption(new Option('--processes <n>', `client processes, processes runner (${limits.processes.min}–${limits.processes.max})`).default(null, 'one per client, as in the tutorial'))
    .addOption(new Option('--tickets <n>', `tickets in the db at start, ticket-rush (${limits.tickets.min}–${limits.tickets.max})`).default(1))
    .addOption(
      new Option('--repeat <n>', `the most repetitions of a setting (${limits.repeat.min}–${limits.repeat.max}); a row stops earlier once its median wall time is known within 1% or 2 ms at 95% (from 6 repetitions); with --fault, exactly this many`).default(
        SUITE_REPEAT,
        `${SUITE_REPEAT} (${FAULT_REPEAT} with --fault)`,
      ),
    )
    .addOption(new Option('--min-repeat <n>', `the fewest repetitions of a setting (${limits.repeat.min}–--repeat); not with --fault`).default(MIN_REPETITIONS))
    .addOption(new Option('--seed <n>', "seed of ordered-print's random sleeps").default(1))
    .addOption(new Option('--db <path>', 'ticket-rush starts from this db file\'s count, e.g. {"count": 3} (instead of --tickets)'))
    .addOption(
      new Option('--fault <name>', `inject a fault into one client's critical section and print the fault table: ${faultNames.join(', ')}; runs ticket-rush at latency quick with ${FAULT_DEFAULT_CLIENTS} clients and as many tickets, 3 times, unless told otherwise`),
    )
    .addOption(new Option('--rtt <ms>', 'simulated network round trip between the clients and the servers, ms, through a loopback delay proxy (0: direct)').default(0))
    .option('--fencing', "stores that can check a lock grant's fencing token refuse writes under an older one (redis-lease*); --fault pause-in-cs and --fault partition run both ways")
    .option('--require-services', 'a strategy whose server does not answer is an error (exit 1), not a skipped row')
    .addOption(new Option('--history <dir>', "write each ticket-rush run's client history into <dir> (an existing folder), one JSON-lines file per run (Jepsen-style records; see npm run check-history)"))
    .addOption(new Option('--json <path>', "also write the figures of this run as JSON to <path>; '-' writes the JSON to standard output and the tables to standard error"))
    .addOption(columnsOption())
    .addOption(wideOption())
    .option(
      '--quick',
      `the quick subset, about a minute: ${QUICK.workloads.join(',')} at latency ${QUICK.latencies.join(',')}, ${QUICK.strategies.join(', ')} (no lock, a lock, message passing), ${QUICK.runners.join(',')}, ${QUICK.repeat} repetitions; a setting given beside it replaces its choice; writes nothing to results/`,
    )
    .option('--list', 'list the workloads, strategies and latency profiles, then exit');
}

/** What is parsed before the servers are probed: the suites without their skipped strategies. */
type Probed<T> = Omit<T, 'skipped'>;

/** A command line of `npm run bench`, read: the listing, a suite, or a fault run. */
export type Parsed =
  | { readonly mode: 'list' }
  | { readonly mode: 'suite'; readonly suite: Probed<SuiteSettings>; readonly json: string | null; readonly history: string | null; readonly isDefault: boolean; readonly quick: boolean; readonly args: string; readonly requireServices: boolean }
  | { readonly mode: 'fault'; readonly suite: Probed<FaultSuiteSettings>; readonly json: string | null; readonly isDefault: boolean; readonly args: string; readonly requireServices: boolean };

/** The count of a db file given with --db: it must be JSON with an integer `count` in range. */
function ticketsFromDb(value: string): number {
  let text: string;
  try {
    const stat = statSync(value);
    if (!stat.isFile()) throw new UsageError(`--db '${value}' is not accepted: it is not a regular file`);
    if (stat.size > MAX_DB_BYTES) throw new UsageError(`--db '${value}' is not accepted: it is over ${MAX_DB_BYTES} bytes; a db is like {"count": 1}`);
    // A byte-order mark is accepted, as Node's own require of a JSON file accepts it.
    text = readFileSync(value, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--db '${value}' is not accepted: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let db: unknown;
  try {
    db = JSON.parse(text);
  } catch {
    throw new UsageError(`--db '${value}' is not accepted: it is not valid JSON; give a file like {"count": 1}`);
  }
  const count = (db as { count?: unknown } | null)?.count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > limits.tickets.max) {
    throw new UsageError(`--db '${value}' is not accepted: it needs an integer "count" from 0 to ${limits.tickets.max}, like {"count": 1}`);
  }
  return count;
}

/**
 * Reads `argv` (the arguments after the script) without running or writing anything. Throws a
 * {@link UsageError} (or a commander error, already printed as one line on stderr) for a bad
 * command line: `main` turns either into exit code 2 with `usageExitCode`.
 */
export function parse(argv: readonly string[]): Parsed {
  const { opts: o, given, str } = parseArguments(program(), argv);
  if (o.list === true) return { mode: 'list' };
  const args = shownArgs(argv);
  const json = given('json') ? jsonOutput('json', str('json')) : null;
  const quick = o.quick === true;
  if (quick && given('fault')) throw new UsageError('--quick and --fault are not accepted together: --quick is a subset of the suite; give the fault alone, or its settings');
  const strategiesChosen = given('strategy') ? list<StrategyName>('strategy', strategyNames)(str('strategy')) : quick ? QUICK.strategies : strategyNames;
  const threads = given('threads') ? integer('threads')(str('threads')) : os.availableParallelism();
  const runnersChosen = given('runner') ? list<RunnerName>('runner', runnerNames)(str('runner')) : quick ? [...QUICK.runners] : [...runnerNames];
  const processes = given('processes') ? integer('processes')(str('processes')) : null;
  const dbTickets = given('db') ? ticketsFromDb(str('db')) : null;
  if (json !== null && json !== STDOUT && given('db') && sameFile(json, str('db'))) {
    throw new UsageError(`--json '${str('json')}' is not accepted: it is the --db file, which the results would overwrite; give another path`);
  }
  if (dbTickets !== null && given('tickets')) throw new UsageError("--tickets and --db are not accepted together: --db sets the tickets from its count");
  const settingsGiven = ['workload', 'strategy', 'latency', 'runner', 'clients', 'threads', 'processes', 'tickets', 'repeat', 'minRepeat', 'seed', 'db', 'rtt', 'fencing'].filter(given);
  const services: ServiceUrls = givenServices(given, str);
  const requireServices = o.requireServices === true;

  if (given('fault')) {
    const fault = faultNames.find((name) => name === str('fault').trim());
    if (fault === undefined) throw new UsageError(`--fault '${str('fault')}' is not accepted: give one of ${faultNames.join(', ')}`);
    if (given('workload') && str('workload') !== 'ticket-rush') {
      throw new UsageError(`--workload '${str('workload')}' is not accepted with --fault: faults run ticket-rush only`);
    }
    const latencies = given('latency') ? list<LatencyName>('latency', latencyNames)(str('latency')) : ['quick' as const];
    const [latency] = latencies;
    if (latency === undefined || latencies.length > 1) throw new UsageError(`--latency '${str('latency')}' is not accepted with --fault: give one profile`);
    const clients = given('clients') ? integer('clients')(str('clients')) : FAULT_DEFAULT_CLIENTS;
    if (clients < 2) throw new UsageError(`--clients '${clients}' is not accepted with --fault: give at least 2 (the victim and one survivor)`);
    if (given('rtt')) throw new UsageError('--rtt is not accepted with --fault: a fault run reaches its servers directly');
    if (given('minRepeat')) throw new UsageError('--min-repeat is not accepted with --fault: a fault run repeats exactly --repeat times');
    const suite: Probed<FaultSuiteSettings> = {
      fault,
      strategies: strategiesChosen,
      latency,
      clients,
      // A pause stops a process: under threads every row would be "not applicable".
      runners: fault === 'pause-in-cs' && !given('runner') ? ['processes'] : runnersChosen,
      threads,
      processes,
      tickets: dbTickets ?? (given('tickets') ? integer('tickets')(str('tickets')) : clients),
      repeat: given('repeat') ? integer('repeat')(str('repeat')) : FAULT_REPEAT,
      services,
    };
    return { mode: 'fault', suite, json, isDefault: settingsGiven.length === 0 && (fault === 'crash-in-cs' || fault === 'pause-in-cs' || fault === 'crash-owner' || fault === 'partition' || fault === 'crash-server' || fault === 'partition-drop'), args, requireServices };
  }

  const suite: Probed<SuiteSettings> = {
    workloads: given('workload') ? list<WorkloadName>('workload', workloadNames)(str('workload')) : quick ? QUICK.workloads : suiteWorkloadNames,
    strategies: strategiesChosen,
    latencies: given('latency') ? list<LatencyName>('latency', latencyNames)(str('latency')) : quick ? QUICK.latencies : ['doc', 'zero'],
    clients: given('clients') ? integer('clients')(str('clients')) : null,
    runners: runnersChosen,
    threads,
    processes,
    tickets: dbTickets ?? (given('tickets') ? integer('tickets')(str('tickets')) : 1),
    repeat: given('repeat') ? integer('repeat')(str('repeat')) : quick ? QUICK.repeat : SUITE_REPEAT,
    minRepeat: given('minRepeat') ? integerOption('min-repeat', limits.repeat.min, limits.repeat.max)(str('minRepeat')) : MIN_REPETITIONS,
    seed: given('seed') ? integer('seed')(str('seed')) : 1,
    services,
    rttMs: given('rtt') ? decimal('rtt', limits.rtt.min, limits.rtt.max)(str('rtt')) : 0,
    fencing: o.fencing === true,
  };
  if (given('minRepeat') && (suite.minRepeat ?? 0) > suite.repeat) {
    throw new UsageError(`--min-repeat '${str('minRepeat')}' is not accepted: it is more than --repeat ${suite.repeat}, the most repetitions a row runs`);
  }
  return { mode: 'suite', suite, json, history: given('history') ? writableDir('history', str('history')) : null, isDefault: settingsGiven.length === 0 && !quick, quick, args, requireServices };
}

/** `--list` for an output `width` columns wide: each name, then its description wrapped under it (hanging indent), so no line is wider than `width`. */
export function listing(width: number): string {
  const indent = 19;
  // A name too long for its column stands on a line of its own, its description under it.
  const entry = (name: string, ...texts: string[]) => {
    const wrapped = texts.flatMap((text) => wrapText(text, Math.max(20, width - indent)));
    if (name.length > indent - 3) return [`  ${name}`, ...wrapped.map((line) => `${' '.repeat(indent)}${line}`)];
    return wrapped.map((line, i) => `${i === 0 ? `  ${name.padEnd(indent - 3)} ` : ' '.repeat(indent)}${line}`);
  };
  const lines = ['workloads:'];
  for (const name of workloadNames) lines.push(...entry(name, workloads[name].description));
  lines.push('strategies:');
  for (const name of strategyNames) {
    const s = strategies[name];
    lines.push(...entry(name, s.description, `${s.paradigm}; state: ${s.stateLocation}; reach: ${s.reach}`));
  }
  lines.push('latency profiles:');
  for (const name of latencyNames) lines.push(...entry(name, latencyProfiles[name].description));
  return `${lines.join('\n')}\n`;
}

/** What the progress line says a run is: its workload, latency, runner, strategy and repetition. */
export function progressWhat(p: Pick<Progress, 'settings' | 'repetition'>): string {
  const s = p.settings;
  return `${s.workload} · ${s.latency.name} · ${s.runner} · ${s.strategy} · repetition ${p.repetition}`;
}

function progressLine(p: Progress): void {
  showProgress(p.done, p.total, progressWhat(p), p.elapsedMs, p.leftMs);
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
    if (parsed.mode !== 'list') checkTemporaryFolder();
  } catch (error) {
    return usageExitCode(error);
  }
  if (parsed.mode === 'list') {
    process.stdout.write(listing(outputWidth(process.stdout)));
    return 0;
  }

  const mode = parsed;
  const skipped = await unavailableStrategies(
    mode.suite.strategies.map((name) => [name, strategies[name]] as const),
    mode.suite.services,
  );
  const names = Object.keys(skipped);
  if (names.length > 0) {
    const reasons = [...new Set(Object.values(skipped))];
    if (mode.requireServices) {
      writeMessage(`--require-services: ${names.join(', ')} cannot run: ${reasons.join('; ')}`);
      return 1;
    }
    writeMessage(`skipping ${names.join(', ')}: ${reasons.join('; ')}`);
  }
  await nameDeadRunNamespaces(mode.suite.strategies.filter((name) => skipped[name] === undefined), mode.suite.services);
  return interruptible((signal) =>
    mode.mode === 'fault' ? runFaults({ ...mode, suite: { ...mode.suite, skipped } }, signal) : runBench({ ...mode, suite: { ...mode.suite, skipped } }, signal),
  );
}

/**
 * Names, on stderr, the namespaces that runs no longer running left in the servers the chosen
 * strategies use, and ends (naming them) such runs' PostgreSQL backends still open from this
 * machine (see `engines/dead-run-namespaces.ts`). A server that does not answer the look-up
 * is passed over in silence: the runs say what they find.
 */
async function nameDeadRunNamespaces(chosen: readonly StrategyName[], services: ServiceUrls): Promise<void> {
  const engines = new Set(chosen.flatMap((name) => {
    const store = engineOf(strategies[name]);
    return store === null ? [] : [store];
  }));
  for (const engine of engines) {
    const url = services[engine];
    if (engine === 'postgres') {
      const ended = terminatedBackendsLine(url, await terminateDeadRunBackends(url).catch(() => []));
      if (ended !== null) writeMessage(ended);
    }
    const names = await deadRunNamespaces(engine, url).catch(() => []);
    const line = deadRunNamespacesLine(engine, url, names);
    if (line !== null) writeMessage(line);
  }
}

/**
 * The exit code of a suite: 1 when a row failed, or when a strategy whose guarantee covers the
 * workload was judged incorrect (a defect of the strategy); 0 otherwise, including the baseline
 * `none` (and `optimistic` on ordered-print) being incorrect, as expected.
 */
export function suiteExitCode(rows: readonly Pick<ResultRow, 'verdict' | 'covered'>[]): number {
  return rows.some((r) => r.verdict === 'failed' || (r.covered && r.verdict === 'incorrect')) ? 1 : 0;
}

/** Whether a strategy's guarantee covers ticket-rush, the workload of every fault run (as `ResultRow.covered`). */
function coversTicketRush(strategy: FaultRow['strategy']): boolean {
  const guarantee = strategy === PYTHON_REFERENCE ? null : strategies[strategy].guarantee;
  return guarantee === 'mutual exclusion' || guarantee === workloads['ticket-rush'].needs;
}

/** A fault row that makes the run exit 1, with why in a few words; null for one that does not. */
function faultRowProblem(row: FaultRow): string | null {
  // The tutorial's lock is shown because it never recovers: its clients giving up is its result.
  if (row.strategy === PYTHON_REFERENCE) return null;
  if (row.othersFinished < row.repetitions) return `${row.repetitions - row.othersFinished} of ${row.repetitions} runs failed`;
  if (row.consistent === false && coversTicketRush(row.strategy)) return 'state not consistent';
  return null;
}

/**
 * The exit code of a fault run, as of a suite (see {@link suiteExitCode}): 1 when a run of a row
 * failed (its clients did not all finish; under `hang-in-cs` that is every strategy that excludes,
 * ended by the watchdog), or a strategy that promises what ticket-rush needs left the state
 * inconsistent; 0 otherwise, including `none` being inconsistent, "not applicable" and "skipped"
 * rows, and the tutorial's Python lock, whose waiters giving up is what its row shows.
 */
export function faultExitCode(rows: readonly FaultRow[]): number {
  return rows.some((row) => faultRowProblem(row) !== null) ? 1 : 0;
}

/**
 * What a bare `npm run bench` says before it starts: that it runs the whole default suite, how
 * long that is estimated to take (see `suites/suite-estimate.ts`), and that it rewrites results/.
 */
export function defaultSuiteNotice(suite: SuiteSettings, width: number): string {
  const estimate = estimateSuite(suite);
  const minutes = (s: number) => Math.round(s / 60);
  const span = (low: number, high: number) => (low === high ? `about ${low}` : `${low}–${high}`);
  const text =
    `With no options, npm run bench runs the whole default suite: ${plural(estimate.rows, 'row')} ` +
    `(${suite.workloads.join(', ')} · latency ${suite.latencies.join(', ')} · ${suite.runners.join(', ')} · ${plural(suite.strategies.length, 'strategy', 'strategies')}` +
    `${estimate.notRun > 0 ? `, less ${estimate.notRun} not applicable or skipped` : ''}), each repeated at most ${suite.repeat} times, fewer once its median wall time is known within 1% (a 95% interval of the median needs ${CONVERGES_FROM})` +
    `${wantsReference(suite) ? ", and the tutorial's Python program" : ''}. ` +
    `Estimated time: ${span(minutes(estimate.fewestS), minutes(estimate.mostS))} min on a quiet 2-core machine (docs/measurement-cost.md); longer on a busier one. ` +
    'When it ends it rewrites results/default-suite.md, results/default-suite.json and results/report.html; Ctrl-C stops it and writes nothing. ' +
    'Give any option (e.g. --strategy flock,sqlite --latency doc) to run a part and leave results/ alone.';
  return `${wrapText(text, width).join('\n')}\n`;
}

/** What `--quick` says before it starts: what it runs, how long that is estimated to take, and that results/ is left alone. */
export function quickNotice(suite: SuiteSettings, width: number): string {
  const estimate = estimateSuite(suite);
  const seconds = (s: number) => Math.round(s / 10) * 10;
  const text =
    `The quick subset: ${suite.workloads.join(', ')} · latency ${suite.latencies.join(', ')} · ${suite.runners.join(', ')} · ${suite.strategies.join(', ')} · ${plural(suite.repeat, 'repetition')}` +
    `${wantsReference(suite) ? ", and the tutorial's Python program" : ''}. ` +
    `Estimated time: about ${seconds(estimate.mostS)} s on a quiet 2-core machine, longer on a busier one. ` +
    'It prints its tables and writes nothing to results/ (--json PATH writes its figures to PATH).';
  return `${wrapText(text, width).join('\n')}\n`;
}

async function runBench(parsed: Omit<Extract<Parsed, { mode: 'suite' }>, 'suite'> & { readonly suite: SuiteSettings }, signal: AbortSignal): Promise<number> {
  if (parsed.isDefault) process.stderr.write(defaultSuiteNotice(parsed.suite, outputWidth(process.stderr)));
  if (parsed.quick) process.stderr.write(quickNotice(parsed.suite, outputWidth(process.stderr)));
  const commandStart = performance.now();
  const started = await timed('command: environment at start', () => Promise.resolve(environmentAtStart()));
  const histories = parsed.history === null ? undefined : historyWriter(parsed.history);
  // The phase timings are printed even when the suite is interrupted: a long profile stopped early still says where its time went.
  signal.addEventListener('abort', () => {
    for (const line of phaseLines()) process.stderr.write(`${line}\n`);
  }, { once: true });
  const rows = await timed('command: suite', () => runSuite(parsed.suite, progressLine, signal, histories));
  const references = wantsReference(parsed.suite) ? await timed('command: references', () => runReferences(parsed.suite, (what) => showProgress(0, 1, what, 0), signal)) : [];
  clearProgress();
  throwIfInterrupted(signal);
  const report: Report = { schema: 'sync-bench/results@1', environment: finishEnvironment(started), command: parsed.args, settings: { ...parsed.suite, services: shownServices(parsed.suite.services) }, rows, references };
  // Saved before shown: a closed or broken output loses nothing that was measured.
  const saved = await saveReport(parsed, report, 'default-suite', { 'default-suite.md': renderMarkdown(report) });
  if (saved && parsed.isDefault) await refreshHtmlReport(resultsDir);
  const out = tableStream(parsed.json);
  out.write(renderTerminal(rows, terminalLayout(out)));
  out.write(renderReferenceTerminal(references, terminalLayout(out).width));
  if (histories !== undefined) writeMessage(`wrote ${plural(histories.written(), 'history', 'histories')} into ${parsed.history ?? ''}`);
  addPhase('command: total', performance.now() - commandStart);
  for (const line of phaseLines()) process.stderr.write(`${line}\n`);
  const failed = rows.filter((r) => r.verdict === 'failed');
  if (failed.length > 0) {
    writeMessage(`${plural(failed.length, 'row')} failed: ${failed.map((r) => `${r.workload}/${r.latency}/${r.strategy}`).join(', ')}`);
  }
  const wrong = rows.filter((r) => r.covered && r.verdict === 'incorrect');
  if (wrong.length > 0) {
    writeMessage(`${plural(wrong.length, 'row')} incorrect under a strategy that promises what the workload needs: ${wrong.map((r) => `${r.workload}/${r.latency}/${r.strategy}`).join(', ')}`);
  }
  return saved ? suiteExitCode(rows) : 1;
}

async function runFaults(parsed: Omit<Extract<Parsed, { mode: 'fault' }>, 'suite'> & { readonly suite: FaultSuiteSettings }, signal: AbortSignal): Promise<number> {
  const started = environmentAtStart();
  const rows = await runFaultSuite(parsed.suite, progressLine, signal);
  clearProgress();
  throwIfInterrupted(signal);
  const report: FaultReport = { schema: 'sync-bench/faults@1', environment: finishEnvironment(started), command: parsed.args, settings: { ...parsed.suite, services: shownServices(parsed.suite.services) }, rows };
  // The default crash, pause, owner-crash, server-crash and partition runs each have their results file.
  const ownFile: readonly FaultName[] = ['crash-owner', 'crash-server', 'partition', 'partition-drop'];
  const name = parsed.suite.fault === 'pause-in-cs' ? 'pause' : ownFile.includes(parsed.suite.fault) ? parsed.suite.fault : 'faults';
  const saved = await saveReport(parsed, report, name, { [`${name}.md`]: renderFaultMarkdown(report) });
  tableStream(parsed.json).write(renderFaultTerminal(parsed.suite, rows));
  const problems = rows.flatMap((row) => {
    const problem = faultRowProblem(row);
    return problem === null ? [] : [`${row.strategy}/${row.runner} (${problem})`];
  });
  if (problems.length > 0) writeMessage(`${plural(problems.length, 'fault row')} with a failed run or an inconsistent state: ${problems.join(', ')}`);
  return saved ? faultExitCode(rows) : 1;
}

void runEntry(import.meta.url, main);
