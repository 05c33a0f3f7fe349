/**
 * `npm run check-history -- FILE --model cas-register|ticket-counter [--tickets T] [--budget-ms N]
 * [--budget-steps N] [--html OUT]`: checks a client-observed history for linearizability and prints the
 * verdict, with the window of operations that shows why when it is not linearizable; with `--html`
 * it also writes OUT, a page with the history drawn (`reports/history-timeline.ts`). FILE is JSON
 * lines (`bench/histories/json-lines.ts`, what `--history DIR` writes) or a Jepsen printed history
 * (`bench/histories/jepsen-printed.ts`), told apart by content.
 *
 * Exit codes: 0 linearizable, 1 not linearizable, 3 unknown (the search ran out of its budget),
 * 2 a bad command line, a file that is not a well-formed history for the model, or an `--html`
 * page that could not be written (one line), 70
 * an error the command did not expect.
 */
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { drawHistory, escapeXml } from '../reports/history-timeline.ts';
import { htmlPage } from '../reports/html-page.ts';
import { oneLine } from '../runners/one-line.ts';
import { HistoryError, summarise, type Clock, type HistoryOperation } from '../histories/history.ts';
import { casRegister } from '../histories/cas-register.ts';
import { checkLinearizability, DEFAULT_BUDGET, MAX_CONFIGURATIONS, type Budget, type CheckResult } from '../histories/linearizability.ts';
import type { Model } from '../histories/model.ts';
import { readHistoryFile, type HistoryFormat } from '../histories/read-history.ts';
import { ticketCounter } from '../histories/ticket-counter.ts';
import { runEntry } from './entry.ts';
import { integer, parseArguments, withConventions } from './options.ts';
import { USAGE_ERROR, usageExitCode, UsageError } from './usage-error.ts';
import { writeMessage } from './message-line.ts';

/** Exit codes by verdict. */
export const EXIT = { linearizable: 0, 'not linearizable': 1, unknown: 3 } as const;

export const modelNames = ['cas-register', 'ticket-counter'] as const;
export type ModelName = (typeof modelNames)[number];

/** Accepted ranges of the numeric options. */
export const limits = {
  tickets: { min: 0, max: 1_000_000 },
  'budget-ms': { min: 1, max: 86_400_000 },
  'budget-steps': { min: 1, max: Number.MAX_SAFE_INTEGER },
} as const;

const DEFAULT_TICKETS = 1;

/** How many of the operations a window's proof takes as outcome-unknown are listed. */
const SHOWN_OTHERS = 10;

function program(): Command {
  return withConventions(new Command())
    .name('npm run check-history --')
    .description(
      'Checks a history of client operations for linearizability (Wing & Gong search with Lowe\'s memoisation, as Porcupine does). ' +
        'FILE is JSON lines (as --history DIR writes) or a Jepsen printed history ("3\\t:invoke\\t:cas\\t[1 2]" lines), told apart by content. ' +
        'Exit code 0: linearizable; 1: not linearizable (the window of operations that shows why is printed); 3: unknown, the budget ran out; 2: bad command line or file.',
    )
    .argument('<file>', 'the history file')
    .addOption(new Option('--model <name>', `the object's sequential specification: ${modelNames.join(', ')}`))
    .addOption(new Option('--tickets <n>', `tickets at the start, ticket-counter (${limits.tickets.min}–${limits.tickets.max})`).default(DEFAULT_TICKETS))
    .addOption(new Option('--budget-ms <n>', `stop the search after this long, ms (${limits['budget-ms'].min}–${limits['budget-ms'].max}); the window search gets as much again`).default(DEFAULT_BUDGET.ms))
    .addOption(new Option('--budget-steps <n>', 'stop the search after this many model steps (default: no limit)'))
    .addOption(new Option('--html <path>', 'also write a page with the history drawn: a lane per client, a bar per operation, the window highlighted, states on hover'));
}

const bound = (flag: keyof typeof limits) => integer(flag, limits[flag].min, limits[flag].max);

/** A command line of `npm run check-history`, read. */
export interface Parsed {
  readonly file: string;
  readonly model: Model<unknown, unknown, unknown>;
  readonly modelLine: string;
  readonly budget: Budget;
  /** --html: where the drawn history goes; null without it. */
  readonly html: string | null;
}

/**
 * Reads `argv` (the arguments after the script) without reading the history. Throws a
 * {@link UsageError} (or a commander error, already printed as one line on stderr) for a bad
 * command line: `main` turns either into exit code 2 with `usageExitCode`.
 */
export function parse(argv: readonly string[]): Parsed {
  const cmd = program();
  const { given, str } = parseArguments(cmd, argv);
  const file = cmd.args[0] as string;
  if (!given('model')) throw new UsageError(`--model is required: give one of ${modelNames.join(', ')}`);
  const name = str('model');
  if (!(modelNames as readonly string[]).includes(name)) throw new UsageError(`--model '${name}' is not accepted: give one of ${modelNames.join(', ')}`);
  if (name !== 'ticket-counter' && given('tickets')) throw new UsageError(`--tickets is not accepted with --model ${name}: it is for ticket-counter`);
  const html = given('html') ? str('html') : null;
  const budget: Budget = {
    ms: given('budgetMs') ? bound('budget-ms')(str('budgetMs')) : DEFAULT_BUDGET.ms,
    ...(given('budgetSteps') ? { steps: bound('budget-steps')(str('budgetSteps')) } : {}),
  };
  if (name === 'ticket-counter') {
    const tickets = given('tickets') ? bound('tickets')(str('tickets')) : DEFAULT_TICKETS;
    return { file, model: ticketCounter(tickets), modelLine: `ticket-counter, ${tickets} ticket${tickets === 1 ? '' : 's'} at the start`, budget, html };
  }
  return { file, model: casRegister(), modelLine: 'cas-register, value nil at the start', budget, html };
}

/** A time of the history's clock, for people: ms to the ns (the files' unit), so that two events 1 ns apart print apart. */
export function formatTime(t: number | null, clock: Clock): string {
  if (t === null || !Number.isFinite(t)) return 'never';
  return clock === 'line' ? `line ${t}` : `${Number(t.toFixed(6))} ms`;
}

const formatNames: Record<HistoryFormat, string> = { 'json-lines': 'JSON lines', 'jepsen-printed': 'Jepsen printed history' };

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd()}\n`).join('');
}

/** The operations as a table: index, process, invoked, completed, status, what the model makes of it. */
export function renderOperations(ops: readonly HistoryOperation[], model: Model<unknown, unknown, unknown>, clock: Clock): string {
  const rows = [['op', 'process', 'invoked', 'completed', 'status', 'operation']];
  for (const op of ops) {
    const { input, output } = model.decode(op);
    rows.push([`#${op.index}`, String(op.process), formatTime(op.invoke, clock), formatTime(op.complete, clock), op.status, model.describeOperation(input, output)]);
  }
  return table(rows);
}

/** The verdict and, when not linearizable, its window, as the command prints them. */
export function renderResult(result: CheckResult, model: Model<unknown, unknown, unknown>, clock: Clock, budget: Budget): string {
  const cost = `${result.steps} steps, ${result.elapsedMs.toFixed(1)} ms`;
  if (result.verdict === 'linearizable') return `verdict: linearizable (${cost})\n`;
  if (result.verdict === 'unknown') {
    const limits = [budget.ms === undefined ? null : `${budget.ms} ms`, budget.steps === undefined ? null : `${budget.steps} steps`, `${MAX_CONFIGURATIONS} configurations in memory`]
      .filter((x) => x !== null)
      .join(', ');
    return `verdict: unknown: the search ran out of its budget (${limits}) (${cost}); give a larger --budget-ms or --budget-steps\n`;
  }
  const n = result.window.length;
  const others = result.others.length;
  const lines = [
    `verdict: not linearizable (${cost})`,
    `window: ${n === 1 ? 'this operation' : `these ${n} operations`} cannot be put in an order that respects real time and the model` +
      ` (${model.describeState(model.init())} at the start)` +
      (others === 0 ? '' : `, even with the ${others === 1 ? 'other operation' : `${others} other operations`} invoked up to ${formatTime(result.prefixEnd, clock)} taken as outcome-unknown (listed after)`) +
      (result.windowMinimal ? '; making any one of them outcome-unknown would make it linearizable:' : ' (the budget ran out before the window was minimal):'),
  ];
  let text = `${lines.join('\n')}\n${renderOperations(result.window, model, clock)}`;
  if (others > 0) {
    const shown = result.others.slice(0, SHOWN_OTHERS);
    text += `taken as outcome-unknown${others > shown.length ? ` (the first ${shown.length} of ${others})` : ''}:\n${renderOperations(shown, model, clock)}`;
  }
  return text;
}

export function main(argv: readonly string[]): number {
  let parsed: Parsed;
  let history: ReturnType<typeof readHistoryFile>;
  try {
    parsed = parse(argv);
    try {
      history = readHistoryFile(parsed.file);
      // Every operation must be one the model can read: a bad file is a usage error, before any search.
      for (const op of history.operations) parsed.model.decode(op);
    } catch (error) {
      if (error instanceof HistoryError) throw new UsageError(`${parsed.file}: ${error.message}`);
      throw error;
    }
  } catch (error) {
    return usageExitCode(error);
  }
  const { model, budget } = parsed;
  const counts = summarise(history.operations);
  const clock = history.clock === 'line' ? 'times are line numbers' : history.origin === undefined ? 'times in ms' : `times in ms from the first event (at ${history.origin} ns)`;
  const heading =
    `history: ${parsed.file} (${formatNames[history.format]}, ${clock}; ${history.operations.length} operations: ${counts.ok} ok, ${counts.fail} fail, ${counts.info} info; ${counts.processes} processes)\n` +
    `model: ${parsed.modelLine}\n`;
  process.stdout.write(heading);
  const result = checkLinearizability(history.operations, model, { budget });
  const verdict = renderResult(result, model, history.clock, budget);
  process.stdout.write(verdict);
  if (parsed.html !== null) {
    const body = `<h1>${escapeXml(`${basename(parsed.file)}: ${result.verdict}`)}</h1>\n<pre>${escapeXml(heading + verdict)}</pre>\n<p class="muted">Hover an operation for its times and the model's state before and after its step.</p>\n<div class="scroll">${drawHistory(history.operations, model, result, history.clock)}</div>`;
    try {
      writeFileAtomic.sync(parsed.html, htmlPage(`${basename(parsed.file)}: ${result.verdict}`, body));
    } catch (error) {
      writeMessage(`error: could not write ${parsed.html}: ${oneLine(error)}`);
      return USAGE_ERROR;
    }
    writeMessage(`wrote ${parsed.html}`);
  }
  return EXIT[result.verdict];
}

void runEntry(import.meta.url, main);
