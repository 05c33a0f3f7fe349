import { markdownTable } from 'markdown-table';
import { renderFitted } from '../reports/fitted-table.ts';
import { outputWidth } from '../reports/table.ts';
import { wrapText } from '../reports/text-width.ts';
import { strategies, type StrategyName } from '../../strategies/registry.ts';
import { formatNumber, plural } from '../reports/columns.ts';
import { describeHarness, type Environment } from '../reports/environment.ts';
import { faults, type FaultName } from '../faults/registry.ts';
import { NO_STAGE, type FaultStage } from '../faults/fault.ts';
import { latencyProfiles, type LatencyName } from '../workloads/latency.ts';
import { InterruptedError } from '../runners/interrupted.ts';
import { ACQUIRE_TIMEOUT_S, runReferenceCrash } from '../reference/python-reference.ts';
import { outOfReach } from '../runners/reach.ts';
import { processGroups } from '../runners/process-layout.ts';
import type { RunnerName } from '../runners/runner.ts';
import { runOnce, threadsFor, type RunResult, type RunSettings } from '../runners/run.ts';
import { judgeFaultRuns } from '../verdicts/fault-verdict.ts';
import { judgeOwnerCrashRuns } from '../faults/crash-owner.ts';
import type { Spread } from './summary.ts';
import type { Progress } from './suite.ts';
import type { ServiceUrls } from '../engines/services.ts';

/** A fault suite: every selected strategy on ticket-rush with one fault injected. */
export interface FaultSuiteSettings {
  readonly fault: FaultName;
  readonly strategies: readonly StrategyName[];
  readonly latency: LatencyName;
  /** Where the clients run: under `processes` the victim's own process is sent SIGKILL. */
  readonly runners: readonly RunnerName[];
  readonly clients: number;
  readonly threads: number;
  /** Client processes (processes runner); null: one per client. */
  readonly processes: number | null;
  readonly tickets: number;
  readonly repeat: number;
  /** Where the Redis and PostgreSQL servers are. */
  readonly services: ServiceUrls;
  /** By strategy, why it is skipped (its server did not answer; see `engines/availability.ts`). */
  readonly skipped: Readonly<Record<string, string>>;
}

/** One strategy under one fault, over its repetitions. */
export interface FaultRow {
  /** A registered strategy, or the tutorial's Python program (see `reference/python-reference.ts`). */
  readonly strategy: StrategyName | typeof PYTHON_REFERENCE;
  readonly runner: RunnerName;
  readonly fault: FaultName;
  /** What the strategy is designed to do when a holder dies. */
  readonly design: string;
  readonly repetitions: number;
  /** Repetitions in which every client but the victim finished. */
  readonly othersFinished: number;
  /** Kill → the next critical section entered by another client, ms; null if none waited or nothing recovered. */
  readonly recoveryMs: Spread | null;
  /**
   * In every repetition whose clients finished: the db parses, no ticket is oversold, the db shows
   * exactly the survivors' sales (plus at most the victim's own), and no survivors' critical
   * sections overlapped (for strategies that promise mutual exclusion). Null if no repetition finished.
   */
  readonly consistent: boolean | null;
  /** Finished runs whose committed critical sections overlapped; null if the strategy promises no mutual exclusion, none finished, or crash-owner (absent before it existed). */
  readonly exclusionBroken?: number | null;
  /** Finished runs whose final state was not intact (see `verdicts/fault-verdict.ts`); null if none finished (absent before it existed). */
  readonly stateBroken?: number | null;
  /** What a user of the strategy would see, per distinct outcome. */
  readonly userSees: readonly string[];
  /** pause-in-cs: whether the store checked fencing tokens (`--fencing`); null for the other faults. */
  readonly fencing?: boolean | null;
  /** pause-in-cs: repetitions whose paused victim's stale write was accepted (see `FaultOutcome.staleWrites`); null otherwise. */
  readonly staleWrites?: number | null;
  /** crash-owner: purchases told "bought" that the store does not show, over the runs; null if none ended or another fault. */
  readonly acknowledgedLost?: number | null;
  /** crash-owner: purchases applied more than once, over the runs; null if none ended or another fault. */
  readonly appliedTwice?: number | null;
  /** crash-owner: the state after a restart ("no recovery: …" where the strategy restarts nothing), per distinct outcome. */
  readonly afterRestart?: readonly string[];
}

/** The fault JSON file's top level (`--fault … --json PATH`, `results/faults.json`). */
export interface FaultReport {
  readonly schema: 'sync-bench/faults@1';
  readonly environment: Environment;
  readonly command: string;
  readonly settings: FaultSuiteSettings;
  readonly rows: readonly FaultRow[];
}

/** Runs the fault suite: strategies in the given order, `repeat` times each, one fresh run each. */
export async function runFaultSuite(
  suite: FaultSuiteSettings,
  onProgress: (p: Progress) => void = () => undefined,
  signal?: AbortSignal,
): Promise<FaultRow[]> {
  const fault = faults[suite.fault];
  // What the fault sets up for the whole suite (private servers), removed whatever happens.
  const prepared = fault.prepare === undefined ? NO_STAGE : await fault.prepare(signal, suite.services);
  try {
    return await runRows(suite, typeof prepared === 'string' ? null : prepared, typeof prepared === 'string' ? prepared : null, onProgress, signal);
  } finally {
    if (typeof prepared !== 'string') await prepared.close();
  }
}

/** The rows of {@link runFaultSuite} on `stage` (null: it could not be set up, for `unprepared`). */
async function runRows(
  suite: FaultSuiteSettings,
  stage: FaultStage | null,
  unprepared: string | null,
  onProgress: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<FaultRow[]> {
  const started = Date.now();
  const fault = faults[suite.fault];
  const services = { ...suite.services, ...stage?.services };
  const variants = (s: StrategyName) => (fault.fencingBothWays && strategies[s].fencing === true ? 2 : 1);
  const total = suite.runners.length * suite.strategies.reduce((sum, s) => sum + variants(s), 0) * suite.repeat;
  let done = 0;
  const rows: FaultRow[] = [];
  for (const runner of suite.runners) {
    for (const strategy of suite.strategies) {
      const limit = outOfReach(strategies[strategy], runner, 'ticket-rush', suite.fault);
      const skipped = unprepared !== null ? `skipped: ${unprepared}` : (stage?.skipped?.(strategies[strategy]) ?? (fault.strikes === 'server' ? undefined : suite.skipped[strategy]));
      if (limit !== null || skipped !== undefined) {
        done += suite.repeat * variants(strategy);
        rows.push({ strategy, runner, fault: suite.fault, design: limit ?? skipped ?? '', repetitions: 0, othersFinished: 0, recoveryMs: null, consistent: null, userSees: [limit !== null ? 'not applicable' : 'skipped'] });
        continue;
      }
      // A pause is run without fencing and, where the strategy's store can fence, with it.
      for (const fencing of fault.fencingBothWays && strategies[strategy].fencing === true ? [false, true] : [false]) {
      const runs: RunResult[] = [];
      for (let repetition = 1; repetition <= suite.repeat; repetition++) {
        const settings: RunSettings = {
          workload: 'ticket-rush',
          strategy,
          runner,
          clients: suite.clients,
          threads: threadsFor(suite.threads, suite.clients - 1),
          processes: suite.processes,
          tickets: suite.tickets,
          latency: latencyProfiles[suite.latency],
          seed: repetition,
          staggerMs: 0,
          fault: suite.fault,
          services,
          fencing,
          faultStage: stage ?? undefined,
          // A fault judged from what each client was told (crash-owner) keeps each run's history.
          keepHistory: fault.keepsHistory === true,
        };
        onProgress({ done, total, settings, repetition, elapsedMs: Date.now() - started });
        runs.push(await runOnce(settings, signal));
        done++;
      }
      if (suite.fault === 'crash-owner') {
        rows.push(crashOwnerRow(strategy, runner, runs, suite.tickets));
        continue;
      }
      const verdict = judgeFaultRuns(runs, { fault: suite.fault, guarantee: strategies[strategy].guarantee, tickets: suite.tickets });
      rows.push({
        strategy,
        runner,
        fault: suite.fault,
        design: fault.design?.(strategies[strategy]) ?? strategies[strategy].onHolderCrash,
        repetitions: runs.length,
        othersFinished: verdict.othersFinished,
        recoveryMs: verdict.recoveryMs,
        consistent: verdict.consistent,
        exclusionBroken: verdict.exclusionBroken,
        stateBroken: verdict.stateBroken,
        userSees: verdict.userSees,
        fencing: fault.fencingBothWays ? fencing : null,
        staleWrites: verdict.staleWrites,
      });
      }
    }
  }
  if (suite.fault === 'crash-in-cs' && suite.runners.includes('processes')) rows.push(await pythonCrashRow(suite, signal));
  return rows;
}

/** One strategy's crash-owner row from its runs (see `faults/crash-owner.ts`). */
function crashOwnerRow(strategy: StrategyName, runner: RunnerName, runs: readonly RunResult[], tickets: number): FaultRow {
  const s = strategies[strategy];
  const verdict = judgeOwnerCrashRuns(runs, tickets, s.recoversFromOwnerCrash === true);
  return {
    strategy,
    runner,
    fault: 'crash-owner',
    design: s.onOwnerCrash ?? '',
    repetitions: runs.length,
    othersFinished: verdict.ended,
    recoveryMs: null,
    consistent: verdict.consistent,
    userSees: verdict.clientsSee,
    acknowledgedLost: verdict.ended === 0 ? null : verdict.acknowledgedLost,
    appliedTwice: verdict.ended === 0 ? null : verdict.appliedTwice,
    afterRestart: verdict.afterRestart,
  };
}

/** The name of the tutorial's program in the fault table. */
export const PYTHON_REFERENCE = 'python multiprocessing.Lock' as const;

/**
 * The tutorial's lock under the same crash, once: its holder killed with SIGKILL while the others
 * wait in `lock.acquire` for {@link ACQUIRE_TIMEOUT_S} s; `multiprocessing.Lock` is never freed.
 */
async function pythonCrashRow(suite: FaultSuiteSettings, signal?: AbortSignal): Promise<FaultRow> {
  const head = { strategy: PYTHON_REFERENCE, runner: 'processes' as const, fault: suite.fault, design: 'none: a semaphore of the dead holder is never released' };
  let outcome: Awaited<ReturnType<typeof runReferenceCrash>>;
  try {
    outcome = await runReferenceCrash({ latency: latencyProfiles[suite.latency], clients: suite.clients, tickets: suite.tickets }, signal);
  } catch (error) {
    if (signal?.aborted === true) throw new InterruptedError();
    return { ...head, repetitions: 1, othersFinished: 0, recoveryMs: null, consistent: null, userSees: [`run failed: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if ('unavailable' in outcome) return { ...head, repetitions: 0, othersFinished: 0, recoveryMs: null, consistent: null, userSees: [outcome.unavailable] };
  return {
    ...head,
    repetitions: 1,
    othersFinished: outcome.gaveUp === 0 ? 1 : 0,
    recoveryMs: null,
    consistent: null,
    userSees: [`${outcome.gaveUp} of ${suite.clients - 1} waiting clients gave up after ${ACQUIRE_TIMEOUT_S} s in lock.acquire: the lock was never freed`],
  };
}

interface FaultColumn {
  readonly header: string;
  readonly cell: (r: FaultRow) => string;
}

/** The columns of a fault run both ways (pause-in-cs): fencing, and the stale writes it is there to refuse. */
const pauseColumns: readonly FaultColumn[] = [
  { header: 'fencing', cell: (r) => (r.fencing === true ? 'yes' : r.fencing === false ? 'no' : '–') },
  { header: 'stale writes accepted (runs)', cell: (r) => (r.staleWrites === null || r.staleWrites === undefined ? '–' : `${r.staleWrites} of ${r.othersFinished}`) },
];

/** The columns of crash-owner: what the clients saw, what was lost or applied twice, and the state after a restart. */
const ownerColumns: readonly FaultColumn[] = [
  { header: 'strategy', cell: (r) => r.strategy },
  { header: 'runner', cell: (r) => r.runner },
  { header: 'designed recovery from an owner crash', cell: (r) => r.design },
  { header: 'runs ended', cell: (r) => `${r.othersFinished} of ${r.repetitions}` },
  { header: 'what the clients see', cell: (r) => r.userSees.join(' | ') },
  { header: 'acknowledged purchases lost', cell: (r) => (r.acknowledgedLost === null || r.acknowledgedLost === undefined ? '–' : String(r.acknowledgedLost)) },
  { header: 'purchases applied twice', cell: (r) => (r.appliedTwice === null || r.appliedTwice === undefined ? '–' : String(r.appliedTwice)) },
  { header: 'state after a restart', cell: (r) => (r.afterRestart ?? []).join(' | ') || '–' },
  { header: 'state consistent', cell: (r) => (r.consistent === null ? '–' : r.consistent ? 'yes' : 'NO') },
];

/** A count of broken runs as a yes/NO cell: – when not judged, "NO (k of n runs)" when any broke. */
function heldCell(broken: number | null | undefined, finished: number, notJudged = '–'): string {
  if (broken === null || broken === undefined) return notJudged;
  return broken === 0 ? 'yes' : `NO (${broken} of ${finished} runs)`;
}

/** The columns of a fault's table. */
function columnsOf(fault: FaultName): readonly FaultColumn[] {
  // crash-owner has a table of its own (what the clients saw, what was lost or applied twice).
  if (fault === 'crash-owner') return ownerColumns;
  const own = faults[fault].designHeader ?? 'designed recovery from a holder crash';
  const shown = columns.map((c) => (c.header === DESIGN_HEADER ? { ...c, header: own } : c));
  return faults[fault].fencingBothWays ? [...shown.slice(0, 2), ...pauseColumns, ...shown.slice(2)] : shown;
}

/** The design column's header in {@link columns}, replaced by the fault's own. */
const DESIGN_HEADER = 'designed recovery';

const columns: readonly FaultColumn[] = [
  { header: 'strategy', cell: (r) => r.strategy },
  { header: 'runner', cell: (r) => r.runner },
  { header: DESIGN_HEADER, cell: (r) => r.design },
  { header: 'others finished (runs)', cell: (r) => `${r.othersFinished} of ${r.repetitions}` },
  {
    header: 'recovery (ms) median [min–max]',
    cell: (r) =>
      r.recoveryMs === null
        ? '–'
        : r.recoveryMs.min === r.recoveryMs.max
          ? formatNumber(r.recoveryMs.median)
          : `${formatNumber(r.recoveryMs.median)} [${formatNumber(r.recoveryMs.min)}–${formatNumber(r.recoveryMs.max)}]`,
  },
  { header: 'mutual exclusion held', cell: (r) => (r.consistent === null ? '–' : heldCell(r.exclusionBroken, r.othersFinished, 'not promised')) },
  { header: 'final state intact', cell: (r) => (r.consistent === null ? '–' : heldCell(r.stateBroken, r.othersFinished)) },
  { header: 'every check passed', cell: (r) => (r.consistent === null ? '–' : r.consistent ? 'yes' : 'NO') },
  { header: 'what the user sees', cell: (r) => r.userSees.join(' | ') },
];

/** Where the victim and the others run, per runner. */
function placement(settings: FaultSuiteSettings): string {
  return settings.runners
    .map((runner) =>
      runner === 'threads'
        ? `the victim alone on its own thread, the others on ${plural(threadsFor(settings.threads, settings.clients - 1), 'thread')}`
        : `the victim alone in its own process, the others in ${plural(processGroups(settings.clients, settings.processes ?? settings.clients, true).length - 1, 'process', 'processes')}`,
    )
    .join('; ');
}

/** The title above a fault table. */
export function faultTitle(settings: FaultSuiteSettings): string {
  const latency = latencyProfiles[settings.latency];
  return (
    `fault ${settings.fault} (${faults[settings.fault].description}) · ticket-rush · latency ${latency.name} ` +
    `(read ${latency.readMs} ms, write ${latency.writeMs} ms) · ${plural(settings.clients, 'client')} (${placement(settings)}) · ` +
    `${plural(settings.tickets, 'ticket')} · ${plural(settings.repeat, 'repetition')}`
  );
}

const faultLegend =
  'recovery: from the kill to the next critical section another client entered after it; – when none did, or the victim was not killed (hang). ' +
  'mutual exclusion held (– when no run finished; not promised: a strategy that promises serializable commits, not exclusive sections): no two critical sections the log saw entered overlapped, in every finished run. ' +
  'final state intact (– when no run finished): the db parses, nothing is oversold, it shows the survivors\' sales plus at most the victim\'s and the unknown outcomes\', no update was lost, and no client was told "bought" for a sale the store does not show. ' +
  'every check passed: both of these, and the run\'s verdict found no other problem (a crashed victim\'s own purchase may be applied or not; its answer, if it had one, is judged). ' +
  'A run that makes no progress for 10 s is ended by the watchdog.';

/** The legend under a fault's table: its own columns', then every fault table's (crash-owner's table has its own columns only). */
function legendOf(fault: FaultName): string {
  const own = faults[fault].legend;
  if (fault === 'crash-owner' && own !== undefined) return own;
  return own === undefined ? faultLegend : `${own} ${faultLegend}`;
}

/** The header and the cells of each row of `fault`'s table, as both renderings show them. */
export function faultTableCells(fault: FaultName, rows: readonly FaultRow[]): { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] } {
  const shown = columnsOf(fault);
  return { header: shown.map((c) => c.header), rows: rows.map((row) => shown.map((c) => c.cell(row))) };
}

/** The fault rows as a terminal table, fitted to `width` columns (title and legend wrapped to it too). */
export function renderFaultTerminal(settings: FaultSuiteSettings, rows: readonly FaultRow[], width: number = outputWidth()): string {
  const shown = columnsOf(settings.fault);
  const fitted = shown.map((c, i) => ({ header: c.header, key: i === 0 }));
  const table = renderFitted(fitted, rows.map((row) => shown.map((c) => c.cell(row))), width);
  const wrap = (text: string) => wrapText(text, width).join('\n');
  const legend = legendOf(settings.fault);
  return `${wrap(faultTitle(settings))}\n${table}\n${wrap(legend)}\n`;
}

/** The fault rows as a Markdown section. */
export function renderFaultMarkdown(report: FaultReport): string {
  const env = report.environment;
  const shown = columnsOf(report.settings.fault);
  const table = markdownTable([shown.map((c) => c.header), ...report.rows.map((row) => shown.map((c) => c.cell(row).replace(/\|/g, '\\|')))]);
  return [
    faults[report.settings.fault].heading,
    '',
    `Generated by \`npm run bench -- ${report.command}\` on ${env.date}.`,
    '',
    `- machine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}`,
    `- runtime: Node ${env.node}; ${Object.entries(env.packages).map(([n, v]) => `${n} ${v}`).join(', ')}`,
    `- harness: ${describeHarness(env)}`,
    `- settings: ${JSON.stringify(report.settings)}`,
    '',
    `## ${faultTitle(report.settings)}`,
    '',
    table,
    '',
    legendOf(report.settings.fault),
    '',
  ].join('\n');
}
