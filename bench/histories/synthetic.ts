/**
 * Synthetic ticket-rush histories, for the checker's tests and cost measurement: what the clients
 * of `bench/workloads/ticket-rush.ts` would observe under a correct lock and without one.
 */
import { toHistory, type HistoryOperation, type OperationRecord } from './history.ts';

export interface TicketRushHistoryOptions {
  /** Clients, one buy each (process i is client i). */
  readonly clients: number;
  /** Tickets at the start. */
  readonly tickets: number;
  /** The simulated read and write latencies, ms (the `doc` profile: 100 and 200). */
  readonly readMs: number;
  readonly writeMs: number;
  /**
   * `serial`: a correct lock; every client asks at time 0 and they are served one at a time in
   * client order: a buyer holds read + write, a client that finds none left holds the read alone;
   * each completes when its hold ends. Linearizable.
   * `unserialised`: no coordination; every client asks at 0 and reads the starting count at once:
   * while it is above 0 every one of them is told `bought`, at read + write + i µs. Not
   * linearizable when there are more clients than tickets (and at least one ticket).
   */
  readonly mode: 'serial' | 'unserialised';
  /** Serial mode: clients also told `bought` although none was left (a strategy that let them in twice), holding read + write. */
  readonly oversoldAt?: readonly number[];
}

/** The history of one ticket-rush run (see {@link TicketRushHistoryOptions}); f `buy`, times in ms. */
export function ticketRushHistory(options: TicketRushHistoryOptions): HistoryOperation[] {
  const { clients, tickets, readMs, writeMs, mode } = options;
  const records: OperationRecord[] = [];
  let free = 0;
  for (let i = 0; i < clients; i++) {
    let bought: boolean;
    let complete: number;
    if (mode === 'serial') {
      bought = i < tickets || (options.oversoldAt?.includes(i) ?? false);
      complete = free + readMs + (bought ? writeMs : 0);
      free = complete;
    } else {
      bought = tickets > 0;
      complete = readMs + (bought ? writeMs : 0) + i / 1000;
    }
    records.push({ process: i, f: 'buy', input: null, output: bought ? 'bought' : 'sold out', invoke: 0, complete, status: 'ok' });
  }
  return toHistory(records);
}
