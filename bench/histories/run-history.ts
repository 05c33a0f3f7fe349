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
import { ticketCounter } from './ticket-counter.ts';

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

/** A run's linearizability verdict, for its row. */
export interface LinearizabilityFigure {
  readonly verdict: 'yes' | 'no' | 'unknown';
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
  if (result.verdict === 'linearizable') return { verdict: 'yes', operations: history.length, window: [], checkMs: result.elapsedMs };
  if (result.verdict === 'unknown') return { verdict: 'unknown', operations: history.length, window: [], checkMs: result.elapsedMs };
  return { verdict: 'no', operations: history.length, window: result.window.map(describe), checkMs: result.elapsedMs };
}
