/**
 * The critical-section log of one run, in a SharedArrayBuffer so that every thread (client
 * workers, owner threads) writes into the same record. One slot per critical section:
 *
 * | field      | unit                   | written by                                  |
 * |------------|------------------------|---------------------------------------------|
 * | request    | ms on the shared clock | the client, just before it asks the strategy |
 * | enter/exit | ms on the shared clock | the harness, around the workload's body      |
 * | thread     | `threadId`             | the thread that ran the body                 |
 * | nominal    | ms                     | the harness: the simulated latency the body was meant to take |
 * | attempts   | count                  | the harness, each time the body starts       |
 * | aborts     | count                  | the harness, each time an attempt aborts     |
 *
 * An attempt aborts when its state access throws a `ConflictError` (optimistic concurrency);
 * enter/exit then belong to the attempt that committed. The strategy never writes here. A slot
 * whose body never committed has NaN enter/exit.
 */
const FIELDS = 5;
const REQUEST = 0;
const ENTER = 1;
const EXIT = 2;
const THREAD = 3;
const NOMINAL = 4;
const BYTES_PER_SLOT = FIELDS * 8 + 2 * 4;

/** One logged critical section. Times in ms on the run's shared clock. */
export interface CriticalSectionRecord {
  readonly slot: number;
  readonly thread: number;
  readonly request: number;
  readonly enter: number;
  readonly exit: number;
  /** The simulated latency the committed body was meant to take, ms (NaN if it never committed). */
  readonly nominal: number;
  /** How many times the body was started. */
  readonly attempts: number;
  /** How many of those attempts aborted on a conflict. attempts − aborts is exactly 1 in a correct run. */
  readonly aborts: number;
}

export class CriticalSectionLog {
  private readonly times: Float64Array;
  /** Per slot: attempts, aborts. */
  private readonly counts: Int32Array;
  /** Two cells: events logged so far (requests, enters, exits, aborts), for the watchdog; requests alone. */
  private readonly events: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    const slots = (buffer.byteLength - 8) / BYTES_PER_SLOT;
    this.times = new Float64Array(buffer, 0, slots * FIELDS);
    this.counts = new Int32Array(buffer, slots * FIELDS * 8, slots * 2);
    this.events = new Int32Array(buffer, slots * BYTES_PER_SLOT, 2);
  }

  /** A fresh log for `slots` critical sections. */
  static create(slots: number): CriticalSectionLog {
    const log = new CriticalSectionLog(new SharedArrayBuffer(slots * BYTES_PER_SLOT + 8));
    log.times.fill(Number.NaN);
    return log;
  }

  get slots(): number {
    return this.counts.length / 2;
  }

  /** Events logged so far: it grows while the run makes progress. */
  get progress(): number {
    return Atomics.load(this.events, 0);
  }

  /** Critical sections requested so far. */
  get requests(): number {
    return Atomics.load(this.events, 1);
  }

  request(slot: number, at: number): void {
    this.times[slot * FIELDS + REQUEST] = at;
    Atomics.add(this.events, 0, 1);
    Atomics.add(this.events, 1, 1);
  }

  enter(slot: number, thread: number, at: number): void {
    Atomics.add(this.counts, 2 * slot, 1);
    this.times[slot * FIELDS + THREAD] = thread;
    this.times[slot * FIELDS + ENTER] = at;
    Atomics.add(this.events, 0, 1);
  }

  exit(slot: number, at: number, nominal = Number.NaN): void {
    this.times[slot * FIELDS + NOMINAL] = nominal;
    this.times[slot * FIELDS + EXIT] = at;
    Atomics.add(this.events, 0, 1);
  }

  /** The attempt that entered last aborted: count it and forget its enter time. */
  abort(slot: number): void {
    Atomics.add(this.counts, 2 * slot + 1, 1);
    this.times[slot * FIELDS + ENTER] = Number.NaN;
    Atomics.add(this.events, 0, 1);
  }

  /** Every slot, in slot order. Read it only after every writer has finished. */
  records(): CriticalSectionRecord[] {
    const out: CriticalSectionRecord[] = [];
    for (let slot = 0; slot < this.slots; slot++) {
      const at = (field: number) => this.times[slot * FIELDS + field] ?? Number.NaN;
      out.push({
        slot,
        thread: at(THREAD),
        request: at(REQUEST),
        enter: at(ENTER),
        exit: at(EXIT),
        nominal: at(NOMINAL),
        attempts: Atomics.load(this.counts, 2 * slot),
        aborts: Atomics.load(this.counts, 2 * slot + 1),
      });
    }
    return out;
  }
}
