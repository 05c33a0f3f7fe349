/**
 * The critical-section log of one run, in a SharedArrayBuffer so that every thread (client
 * workers, owner threads) writes into the same record. One slot per critical section:
 *
 * | field      | unit                   | written by                                  |
 * |------------|------------------------|---------------------------------------------|
 * | request    | ms on the shared clock | the client, just before it asks the strategy |
 * | enter/exit | ms on the shared clock | the harness, around the workload's body      |
 * | thread     | `threadId`             | the thread that ran the body                 |
 * | executions | count                  | the harness, each time the body starts       |
 *
 * The strategy never writes here. A slot whose body never ran has NaN enter/exit.
 */
const FIELDS = 4;
const REQUEST = 0;
const ENTER = 1;
const EXIT = 2;
const THREAD = 3;

/** One logged critical section. Times in ms on the run's shared clock. */
export interface CriticalSectionRecord {
  readonly slot: number;
  readonly thread: number;
  readonly request: number;
  readonly enter: number;
  readonly exit: number;
  /** How many times the body was started: exactly 1 in a correct run. */
  readonly executions: number;
}

export class CriticalSectionLog {
  private readonly times: Float64Array;
  private readonly executions: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    const slots = buffer.byteLength / (FIELDS * 8 + 4);
    this.times = new Float64Array(buffer, 0, slots * FIELDS);
    this.executions = new Int32Array(buffer, slots * FIELDS * 8, slots);
  }

  /** A fresh log for `slots` critical sections. */
  static create(slots: number): CriticalSectionLog {
    const log = new CriticalSectionLog(new SharedArrayBuffer(slots * (FIELDS * 8 + 4)));
    log.times.fill(Number.NaN);
    return log;
  }

  get slots(): number {
    return this.executions.length;
  }

  request(slot: number, at: number): void {
    this.times[slot * FIELDS + REQUEST] = at;
  }

  enter(slot: number, thread: number, at: number): void {
    Atomics.add(this.executions, slot, 1);
    this.times[slot * FIELDS + THREAD] = thread;
    this.times[slot * FIELDS + ENTER] = at;
  }

  exit(slot: number, at: number): void {
    this.times[slot * FIELDS + EXIT] = at;
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
        executions: Atomics.load(this.executions, slot),
      });
    }
    return out;
  }
}
