/**
 * The ticket counter of the ticket-rush workload as a sequential specification: the state is the
 * number of tickets left, T at the start; `buy` returns `bought` and takes one while one is left,
 * and returns `sold out` (changing nothing) when none is.
 *
 * History operations: f `buy`, input nil; output the string `bought` or `sold out` (the
 * harness's), or as a Jepsen printed history would give them, the keyword `:bought` or
 * `:sold-out` (also the string `sold-out`): this model takes a keyword and the string of its name
 * as the same answer. A buy whose outcome is unknown (`info`) took a ticket if one was left, or
 * did nothing.
 */
import { formatValue, HistoryError, Keyword, type HistoryOperation } from './history.ts';
import type { Model, ModelOperation } from './model.ts';

export type TicketOutput = 'bought' | 'sold out';

function readOutput(op: HistoryOperation): TicketOutput {
  const answer = op.output instanceof Keyword ? op.output.name : op.output;
  if (answer === 'bought') return 'bought';
  if (answer === 'sold out' || answer === 'sold-out') return 'sold out';
  throw new HistoryError(`operation ${op.index} (process ${op.process}): a buy returns "bought" or "sold out", not ${formatValue(op.output)}`);
}

/** The counter with `tickets` (a whole number ≥ 0) at the start. Throws a RangeError for any other count. */
export function ticketCounter(tickets: number): Model<number, null, TicketOutput> {
  if (!Number.isSafeInteger(tickets) || tickets < 0) throw new RangeError(`tickets must be a whole number ≥ 0, not ${tickets}`);
  return {
    name: 'ticket-counter',
    init: () => tickets,
    step: (count, _input, output) => (output === 'bought' ? (count > 0 ? count - 1 : null) : count === 0 ? count : null),
    stepUnknown: (count) => (count > 0 ? count - 1 : null),
    equal: (a, b) => a === b,
    decode(op): ModelOperation<null, TicketOutput> {
      if (op.f !== 'buy') throw new HistoryError(`operation ${op.index} (process ${op.process}): the ticket counter has no function '${op.f}' (only buy)`);
      if (op.input !== null) throw new HistoryError(`operation ${op.index} (process ${op.process}): a buy takes no input (nil), not ${formatValue(op.input)}`);
      return op.status === 'ok' ? { input: null, output: readOutput(op) } : { input: null };
    },
    describeOperation: (_input, output) => `buy() -> ${output ?? 'unknown'}`,
    describeState: (count) => `${count} ticket${count === 1 ? '' : 's'} left`,
  };
}
