/**
 * The "standard output" of ordered-print: a SharedArrayBuffer that records, in one global order
 * across threads, which client printed which line. A line's position is taken with
 * `Atomics.add` on a counter, so the order is the order in which the prints happened.
 *
 * A full log never throws (a strategy that runs a body twice must get an incorrect row, not
 * crash its client): lines past its room are counted in {@link PrintLog.printed} but not kept.
 */
export type PrintKind = 'running' | 'done';

export interface PrintLine {
  readonly clientId: number;
  readonly kind: PrintKind;
}

const KIND_CODE: Record<PrintKind, number> = { running: 1, done: 2 };

export class PrintLog {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  /** Room for `lines` lines. */
  static create(lines: number): PrintLog {
    return new PrintLog(new SharedArrayBuffer((1 + 2 * lines) * 4));
  }

  /** Room for this many lines. */
  get capacity(): number {
    return (this.cells.length - 1) / 2;
  }

  print(clientId: number, kind: PrintKind): void {
    const position = Atomics.add(this.cells, 0, 1);
    if (position >= this.capacity) return;
    Atomics.store(this.cells, 1 + 2 * position, clientId);
    Atomics.store(this.cells, 2 + 2 * position, KIND_CODE[kind]);
  }

  /** Lines printed, including any past the log's room. */
  get printed(): number {
    return Atomics.load(this.cells, 0);
  }

  /** The lines in the order they were printed, up to the log's room. */
  lines(): PrintLine[] {
    const count = Math.min(this.printed, this.capacity);
    const out: PrintLine[] = [];
    for (let i = 0; i < count; i++) {
      const kind = Atomics.load(this.cells, 2 + 2 * i) === KIND_CODE.running ? 'running' : 'done';
      out.push({ clientId: Atomics.load(this.cells, 1 + 2 * i), kind });
    }
    return out;
  }
}
