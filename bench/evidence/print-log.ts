import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

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

/** What a workload's body prints to, and what its check reads: the lines in their global order. */
export interface Prints {
  print(clientId: number, kind: PrintKind): void;
  /** The lines in the order they were printed (up to the log's room, if it has one). */
  lines(): PrintLine[];
  /** Lines printed, including any the log had no room for. */
  readonly printed: number;
}

/**
 * Where a run's prints go: a SharedArrayBuffer for the clients of one process (threads), or the
 * path of a file for clients in several processes (see {@link FilePrintLog}).
 */
export type PrintTarget = SharedArrayBuffer | string;

/** The print log a thread or process of a run writes to. */
export function printsFor(target: PrintTarget): Prints {
  return typeof target === 'string' ? new FilePrintLog(target) : new PrintLog(target);
}

/**
 * The print log of clients in several processes: a file opened in append mode, one line
 * `"<client> <kind>\n"` per print. Each line is one `write(2)` on an `O_APPEND` descriptor, so
 * the kernel places it at the end of the file atomically and the file's order is the order in
 * which the prints happened, across processes (as the tutorial's prints reach one stdout).
 */
export class FilePrintLog implements Prints {
  private fd: number | null = null;

  constructor(readonly path: string) {}

  print(clientId: number, kind: PrintKind): void {
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, `${clientId} ${kind}\n`);
  }

  lines(): PrintLine[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [client, kind] = line.split(' ');
        return { clientId: Number(client), kind: kind === 'running' ? 'running' : 'done' };
      });
  }

  get printed(): number {
    return this.lines().length;
  }

  /** Closes this process's descriptor, if it opened one. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export class PrintLog implements Prints {
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
