/**
 * A run's client-observed history, from the event log's client-written fields (see
 * `evidence/event-log.ts`): each critical section a client asked for is one operation, invoked at
 * its request stamp and completed when `session.run` settled, with what the client was told. It
 * is built by the harness's own code around `session.run`, never from the strategy; and it is
 * judged against the workload's sequential specification (see `linearizability.ts`).
 */
import type { CriticalSectionRecord } from '../evidence/event-log.ts';
import { formatValue, toHistory, type HistoryOperation, type OperationRecord } from './history.ts';
import { checkLinearizability } from './linearizability.ts';
import { ticketCounter, type TicketOutput } from './ticket-counter.ts';

/** The checker's budget per run: for the verdict, and again for the window that explains a "no", ms. */
export const RUN_CHECK_BUDGET_MS = 2_000;

/**
 * The ticket-rush history of a run: one `buy` per requested critical section. A client told
 * "bought" or "sold out" is `ok`; one that never heard back (it crashed, or its run threw) is
 * `info`: its buy may or may not have happened.
 */
export function ticketRushHistory(records: readonly CriticalSectionRecord[]): HistoryOperation[] {
  const operations: OperationRecord[] = records
    .filter((r) => Number.isFinite(r.request) && Number.isFinite(r.client))
    .map((r) => {
      const answered = Number.isFinite(r.complete) && (r.outcome === 1 || r.outcome === 0);
      return {
        process: r.client,
        f: 'buy',
        input: null,
        output: answered ? (r.outcome === 1 ? 'bought' : 'sold out') : null,
        invoke: r.request,
        complete: answered ? r.complete : null,
        status: answered ? 'ok' : 'info',
      };
    });
  return toHistory(operations);
}

/** The most operations a results row keeps of a history (`ResultRow.history`); a longer one is left out (`--history DIR` writes every run's). */
export const MAX_KEPT_OPERATIONS = 2_000;

/**
 * One operation of a ticket-rush history as a results row keeps it: [client, invoked (ms),
 * completed (ms) or null, what the client was told or null]. A null answer is an `info` buy
 * (the client never heard back; its completion is then null too).
 */
export type KeptOperation = readonly [number, number, number | null, TicketOutput | null];

/** A run's ticket-rush history, as kept in its results row. */
export interface KeptHistory {
  /** The repetition (1-based) whose history this is. */
  readonly repetition: number;
  /** Tickets at the start (the model's initial state). */
  readonly tickets: number;
  /** In invoke order (an operation's index in the history is its position here). */
  readonly operations: readonly KeptOperation[];
}

/** `history` (a ticket-rush history, `ticketRushHistory`) in the kept form, or null when it has more than {@link MAX_KEPT_OPERATIONS} operations. */
export function keepHistory(history: readonly HistoryOperation[]): KeptOperation[] | null {
  if (history.length > MAX_KEPT_OPERATIONS) return null;
  return history.map((op) => [op.process, op.invoke, op.status === 'ok' ? op.complete : null, op.status === 'ok' ? (op.output as TicketOutput) : null]);
}

/** The history a row kept, as the checker reads it (the inverse of {@link keepHistory}). */
export function keptToHistory(operations: readonly KeptOperation[]): HistoryOperation[] {
  return toHistory(
    operations.map(([process, invoke, complete, output]) => ({
      process,
      f: 'buy',
      input: null,
      output,
      invoke,
      complete: output === null ? null : complete,
      status: output === null ? 'info' : 'ok',
    })),
  );
}

/** A run's linearizability verdict, for its row. */
export interface LinearizabilityFigure {
  readonly verdict: 'yes' | 'no' | 'unknown';
  /** The history checked, kept (see {@link keepHistory}); null when too long to keep. */
  readonly history: readonly KeptOperation[] | null;
  /** Operations in the history. */
  readonly operations: number;
  /** For "no": the smallest window of operations found that cannot be linearized, one line each. */
  readonly window: readonly string[];
  /** The checker's cost, ms. */
  readonly checkMs: number;
}

/** Checks a ticket-rush run's history against the ticket counter that starts at `tickets`. */
export function checkTicketRush(records: readonly CriticalSectionRecord[], tickets: number): LinearizabilityFigure {
  const history = ticketRushHistory(records);
  const result = checkLinearizability(history, ticketCounter(tickets), { budget: { ms: RUN_CHECK_BUDGET_MS }, windowBudget: { ms: RUN_CHECK_BUDGET_MS } });
  const describe = (op: HistoryOperation) =>
    `client ${op.process} buy ${op.status === 'ok' ? (typeof op.output === 'string' ? op.output : formatValue(op.output)) : '(no answer)'} [${op.invoke.toFixed(3)}, ${op.complete === null ? '∞' : op.complete.toFixed(3)}] ms`;
  const kept = keepHistory(history);
  if (result.verdict === 'linearizable') return { verdict: 'yes', operations: history.length, window: [], checkMs: result.elapsedMs, history: kept };
  if (result.verdict === 'unknown') return { verdict: 'unknown', operations: history.length, window: [], checkMs: result.elapsedMs, history: kept };
  return { verdict: 'no', operations: history.length, window: result.window.map(describe), checkMs: result.elapsedMs, history: kept };
}
