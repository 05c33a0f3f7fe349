import { spinFor } from '../coordination/busy-work.ts';
import type { Operation, OpResult, StateAccess } from './operation.ts';
import type { FileStore } from './store.ts';
import type { Evidence, Workload, WorkloadCheck } from './workload.ts';

/** The db's shape: `{"count": remaining tickets}`. */
interface Db {
  count: number;
}

function isDb(value: unknown): value is Db {
  return typeof value === 'object' && value !== null && typeof (value as { count?: unknown }).count === 'number';
}

/**
 * ticket-rush ("抢票"), the seed document's second program. A JSON db holds `{"count": T}`.
 * Each client first queries the count outside the critical section (`search`), then, inside it
 * (`get`), reads the db, waits the read latency, spins the operation's busy work (0 in the
 * tutorial; the sweeps' contention knob), and if a ticket is left decrements the count, waits the
 * write latency and writes the db back. A timed client buys again and again.
 *
 * Check: sold (clients told they bought), oversold = max(0, sold − T), the final count, lost
 * updates = sold − (T − final) and torn reads. Correct means none oversold, none lost, a final db
 * that parses, no torn read inside a critical section, and no buyer turned away while tickets
 * remained at the end (the count only goes down, so they remained when it was turned away). A torn read in `search` is counted but
 * is not a fault of the strategy: the document's search deliberately reads without coordination,
 * so it can meet a write in progress (`fs.writeFile` truncates first).
 */
export const ticketRush: Workload = {
  name: 'ticket-rush',
  description: 'clients race to buy the last tickets in a JSON file db (read, decrement, write back)',
  defaultClients: 50,
  needs: 'serializable commits',

  initialState(tickets: number): Db {
    return { count: tickets };
  },

  inputs(clients: number): number[] {
    return new Array<number>(clients).fill(0);
  },

  async beforeCritical(store: FileStore): Promise<number> {
    const seen = await store.load();
    return seen.ok && isDb(seen.state) ? 0 : 1;
  },

  async criticalSection(access: StateAccess, op: Operation): Promise<OpResult> {
    const read = await access.read();
    if (!read.ok || !isDb(read.state)) return { success: false, tornReads: 1 };
    spinFor(op.workUs);
    const db = read.state;
    if (db.count <= 0) return { success: false, tornReads: 0 };
    db.count -= 1;
    await access.write(db);
    return { success: true, tornReads: 0 };
  },

  nominalMs(op: Operation, result: OpResult, access: Pick<StateAccess, 'readLatencyMs' | 'writeLatencyMs'>): number {
    return access.readLatencyMs + op.workUs / 1000 + (result.success ? access.writeLatencyMs : 0);
  },

  check({ tickets, outcomes, finalState }: Evidence): WorkloadCheck {
    const sold = outcomes.reduce((sum, o) => sum + o.successes, 0);
    const oversold = Math.max(0, sold - tickets);
    const finalCount = finalState.ok && isDb(finalState.state) ? finalState.state.count : null;
    // A request whose outcome is unknown may or may not have taken a ticket: the db may show up to that many sales more than were told.
    const unknown = outcomes.reduce((sum, o) => sum + (o.unknown ?? 0), 0);
    const applied = finalCount === null ? null : tickets - finalCount;
    const lostUpdates = applied === null ? null : applied < sold ? sold - applied : applied > sold + unknown ? sold + unknown - applied : 0;
    const tornReadsInside = outcomes.reduce((sum, o) => sum + o.tornReadsInside, 0);
    const tornReads = tornReadsInside + outcomes.reduce((sum, o) => sum + o.tornReadsOutside, 0) + (finalCount === null ? 1 : 0);
    const problems: string[] = [];
    if (oversold > 0) problems.push(`${oversold} oversold`);
    if (finalCount === null) problems.push('final db does not parse');
    if (lostUpdates !== null && lostUpdates !== 0) problems.push(`${lostUpdates} lost updates`);
    if (tornReadsInside > 0) problems.push(`${tornReadsInside} torn reads inside critical sections`);
    // The count only goes down: a buyer turned away while tickets remain at the end was turned away while they remained.
    const turnedAway = outcomes.reduce((sum, o) => sum + o.requests - o.successes - (o.unknown ?? 0), 0);
    if (finalCount !== null && finalCount > 0 && turnedAway > 0) problems.push(`${turnedAway} buyers turned away while ${finalCount} tickets remained (undersold)`);
    return { figures: { workload: 'ticket-rush', sold, oversold, finalCount, lostUpdates, tornReads, tornReadsInside, ...(unknown > 0 ? { unknown } : {}) }, problems };
  },
};
