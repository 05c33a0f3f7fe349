/**
 * The hold before the sessions close: each client, once it has answered its last request and
 * passed the finish line, reports its outcome here and waits, its strategy session still open,
 * until the runner lets go. The runner reads the event log, the prints and the final state in
 * between, so a strategy's `session.close()` can neither repair the state it is judged on nor free
 * a lock it leaked before the others needed it (a one-client process would otherwise close its
 * session, and free the lock, as soon as its own client was done).
 *
 * Layout (a SharedArrayBuffer): three Int32 cells (rows claimed, rows written, let go), then one
 * row of {@link FIELDS} float64 per client: the fields of its `ClientOutcome`.
 */
import type { ClientOutcome } from '../workloads/workload.ts';
import { waitWhileEquals } from './atomics-wait.ts';

const CLAIMED = 0;
const WRITTEN = 1;
const LET_GO = 2;
const CELLS = 4;
const FIELDS = 8;

export class SessionHold {
  private readonly cells: Int32Array;
  private readonly rows: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer, 0, CELLS);
    this.rows = new Float64Array(buffer, CELLS * 4);
  }

  /** A hold for `clients` clients: 16 + 64 × `clients` bytes. */
  static create(clients: number): SessionHold {
    return new SessionHold(new SharedArrayBuffer(CELLS * 4 + clients * FIELDS * 8));
  }

  /** Client side: reports its outcome (once; throws past the hold's room, which is the runner's mistake). */
  report(outcome: ClientOutcome): void {
    const row = Atomics.add(this.cells, CLAIMED, 1);
    if ((row + 1) * FIELDS > this.rows.length) throw new Error(`the session hold has room for ${this.rows.length / FIELDS} clients`);
    this.rows.set([outcome.clientId, outcome.thread, outcome.requests, outcome.successes, outcome.tornReadsOutside, outcome.tornReadsInside, outcome.end, outcome.unknown ?? 0], row * FIELDS);
    Atomics.add(this.cells, WRITTEN, 1);
    Atomics.notify(this.cells, WRITTEN);
  }

  /** Client side: resolves once the runner lets go; then the client closes its session. */
  letGoWait(): Promise<void> {
    return waitWhileEquals(this.cells, LET_GO, 0);
  }

  /** Runner side: resolves with the outcomes once `count` clients have reported. */
  async allReported(count: number): Promise<ClientOutcome[]> {
    for (let written = Atomics.load(this.cells, WRITTEN); written < count; written = Atomics.load(this.cells, WRITTEN)) {
      await waitWhileEquals(this.cells, WRITTEN, written);
    }
    return this.outcomes();
  }

  /** Runner side: the outcomes reported, in the order they came (complete once every client has reported). */
  outcomes(): ClientOutcome[] {
    const out: ClientOutcome[] = [];
    for (let row = 0; row < Atomics.load(this.cells, WRITTEN); row++) {
      const at = (field: number) => this.rows[row * FIELDS + field] ?? Number.NaN;
      out.push({ clientId: at(0), thread: at(1), requests: at(2), successes: at(3), tornReadsOutside: at(4), tornReadsInside: at(5), end: at(6), unknown: at(7) });
    }
    return out;
  }

  /** Runner side: the evidence is read; every client may close its session now. */
  letGo(): void {
    Atomics.store(this.cells, LET_GO, 1);
    Atomics.notify(this.cells, LET_GO);
  }
}
