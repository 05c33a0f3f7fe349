/**
 * The "standard output" of ordered-print: a SharedArrayBuffer that records, in one global order
 * across threads, which client printed which line. A line's position is taken with
 * `Atomics.add` on a counter, so the order is the order in which the prints happened.
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

  print(clientId: number, kind: PrintKind): void {
    const position = Atomics.add(this.cells, 0, 1);
    if (1 + 2 * position + 1 >= this.cells.length) throw new RangeError('print log is full');
    Atomics.store(this.cells, 1 + 2 * position, clientId);
    Atomics.store(this.cells, 2 + 2 * position, KIND_CODE[kind]);
  }

  /** The lines in the order they were printed. */
  lines(): PrintLine[] {
    const count = Atomics.load(this.cells, 0);
    const out: PrintLine[] = [];
    for (let i = 0; i < count; i++) {
      const kind = Atomics.load(this.cells, 2 + 2 * i) === KIND_CODE.running ? 'running' : 'done';
      out.push({ clientId: Atomics.load(this.cells, 1 + 2 * i), kind });
    }
    return out;
  }
}
