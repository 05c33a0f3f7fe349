/**
 * The critical-section log of one run, in a SharedArrayBuffer so that every thread (client
 * workers, owner threads) writes into the same record. One slot per critical section:
 *
 * | field      | unit                   | written by                                  |
 * |------------|------------------------|---------------------------------------------|
 * | request    | ms on the shared clock | the client, just before it asks the strategy |
 * | client     | client number          | the client, with the request                |
 * | enter/exit | ms on the shared clock | the harness, around the workload's body      |
 * | thread     | `threadId`             | the thread that ran the body                 |
 * | nominal    | ms                     | the harness: the simulated latency the body was meant to take |
 * | attempts   | count                  | the harness, each time the body starts       |
 * | aborts     | count                  | the harness, each time an attempt aborts     |
 * | input      | the operation's input  | the client, with the request: the canonical operation the body runs |
 * | body       | 1 success, 0 not       | the harness: what the committed body returned |
 * | complete   | ms on the shared clock | the client, when `session.run` settled       |
 * | outcome    | 1 success, 0 not, -1 threw, -2 timed out | the client: what `session.run` told it; -1 and -2 are outcomes unknown (Jepsen's info) unless the error failed the run (time-outs: crash-owner and partition-drop only) |
 *
 * request/complete/outcome are the client's view (a history: invoke, completion, result);
 * enter/exit/body are what happened inside.
 *
 * An attempt aborts when its state access throws a `ConflictError` (optimistic concurrency);
 * enter/exit then belong to the attempt that committed. The strategy never writes here. A slot
 * whose body never committed has NaN enter/exit.
 *
 * Slots are either fixed (a one-request client uses its client number) or claimed in order with
 * {@link CriticalSectionLog.claim} (a client that makes requests until told to stop).
 */
const FIELDS = 10;
const REQUEST = 0;
const ENTER = 1;
const EXIT = 2;
const THREAD = 3;
const NOMINAL = 4;
const CLIENT = 5;
const INPUT = 6;
const BODY = 7;
const COMPLETE = 8;
const OUTCOME = 9;
const BYTES_PER_SLOT = FIELDS * 8 + 2 * 4;
/** Counters after the slots: events, requests, claimed slots, completed bodies. */
const COUNTERS = 4;

/** One logged critical section. Times in ms on the run's shared clock. */
export interface CriticalSectionRecord {
  readonly slot: number;
  /** The client that asked (NaN if nobody did). */
  readonly client: number;
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
  /** The operation's input, as the client asked (NaN if nobody did). */
  readonly input: number;
  /** What the committed body returned: 1 success, 0 not (NaN if no body completed). */
  readonly body: number;
  /** When the client's `session.run` settled (NaN if it never did: the client died or the run ended first). */
  readonly complete: number;
  /** What `session.run` told the client: 1 success, 0 not, -1 it threw, -2 the client gave up waiting (NaN if it never settled). */
  readonly outcome: number;
}

export class CriticalSectionLog {
  private readonly times: Float64Array;
  /** Per slot: attempts, aborts. */
  private readonly counts: Int32Array;
  /**
   * Four cells: events logged so far (requests, enters, exits, aborts); requests alone; slots
   * claimed; bodies that completed (exits with their nominal) and answers, the watchdog's measure of progress.
   */
  private readonly events: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    const slots = (buffer.byteLength - COUNTERS * 4) / BYTES_PER_SLOT;
    this.times = new Float64Array(buffer, 0, slots * FIELDS);
    this.counts = new Int32Array(buffer, slots * FIELDS * 8, slots * 2);
    this.events = new Int32Array(buffer, slots * BYTES_PER_SLOT, COUNTERS);
  }

  /** A fresh log for `slots` critical sections: `slots` × 88 bytes. */
  static create(slots: number): CriticalSectionLog {
    const log = new CriticalSectionLog(new SharedArrayBuffer(slots * BYTES_PER_SLOT + COUNTERS * 4));
    log.times.fill(Number.NaN);
    return log;
  }

  get slots(): number {
    return this.counts.length / 2;
  }

  /**
   * Critical-section bodies completed and clients answered so far: it grows only while the run
   * does work. Requests, enters and aborts are not progress: a client that enters and aborts for
   * ever (a livelock) moves the event count but never this one.
   */
  get progress(): number {
    return Atomics.load(this.events, 3);
  }

  /** Events logged so far: requests, enters, exits and aborts (0: nobody wrote here). */
  get eventCount(): number {
    return Atomics.load(this.events, 0);
  }

  /** Critical sections requested so far. */
  get requests(): number {
    return Atomics.load(this.events, 1);
  }

  /** Slots handed out by {@link claim} so far (at most {@link slots}). */
  get claimed(): number {
    return Math.min(Atomics.load(this.events, 2), this.slots);
  }

  /** The next free slot, for any thread; -1 once the log is full. */
  claim(): number {
    const slot = Atomics.add(this.events, 2, 1);
    return slot < this.slots ? slot : -1;
  }

  /**
   * The harness names the client and the canonical input of a slot before anyone asks, without
   * counting an event: where the client's request is stamped in another process's log, an owner
   * thread here still reads the operation from the harness, not from what it was sent.
   */
  assign(slot: number, client: number, input: number): void {
    this.times[slot * FIELDS + CLIENT] = client;
    this.times[slot * FIELDS + INPUT] = input;
  }

  request(slot: number, client: number, at: number, input = 0): void {
    this.times[slot * FIELDS + CLIENT] = client;
    this.times[slot * FIELDS + INPUT] = input;
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

  /** The client that asked for the slot's critical section (NaN if none did yet). */
  client(slot: number): number {
    return this.times[slot * FIELDS + CLIENT] ?? Number.NaN;
  }

  /** The operation's input as its client asked for it (see {@link request}). */
  input(slot: number): number {
    return this.times[slot * FIELDS + INPUT] ?? Number.NaN;
  }

  /** The body left: `nominal` and `success` are given when it completed, and absent when it threw. */
  exit(slot: number, at: number, nominal = Number.NaN, success?: boolean): void {
    this.times[slot * FIELDS + NOMINAL] = nominal;
    this.times[slot * FIELDS + BODY] = success === undefined ? Number.NaN : success ? 1 : 0;
    this.times[slot * FIELDS + EXIT] = at;
    Atomics.add(this.events, 0, 1);
    if (!Number.isNaN(nominal)) Atomics.add(this.events, 3, 1);
  }

  /**
   * The client's `session.run` settled: with success or not, or it threw (`outcome` null), or the
   * client gave up waiting for it (`'timed out'`, crash-owner only). An
   * answer is progress too: a critical section that runs inside a server has no body here.
   */
  complete(slot: number, at: number, outcome: boolean | null | 'timed out'): void {
    this.times[slot * FIELDS + OUTCOME] = outcome === null ? -1 : outcome === 'timed out' ? -2 : outcome ? 1 : 0;
    this.times[slot * FIELDS + COMPLETE] = at;
    if (typeof outcome === 'boolean') Atomics.add(this.events, 3, 1);
  }

  /** The attempt that entered last aborted: count it and forget its enter time. */
  abort(slot: number): void {
    Atomics.add(this.counts, 2 * slot + 1, 1);
    this.times[slot * FIELDS + ENTER] = Number.NaN;
    Atomics.add(this.events, 0, 1);
  }

  /** The first `count` slots (default: every slot), in slot order. Read them only after every writer has finished. */
  records(count = this.slots): CriticalSectionRecord[] {
    const out: CriticalSectionRecord[] = [];
    for (let slot = 0; slot < count; slot++) {
      const at = (field: number) => this.times[slot * FIELDS + field] ?? Number.NaN;
      out.push({
        slot,
        client: at(CLIENT),
        thread: at(THREAD),
        request: at(REQUEST),
        enter: at(ENTER),
        exit: at(EXIT),
        nominal: at(NOMINAL),
        attempts: Atomics.load(this.counts, 2 * slot),
        aborts: Atomics.load(this.counts, 2 * slot + 1),
        input: at(INPUT),
        body: at(BODY),
        complete: at(COMPLETE),
        outcome: at(OUTCOME),
      });
    }
    return out;
  }
}
