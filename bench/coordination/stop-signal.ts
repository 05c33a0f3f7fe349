/**
 * The stop signal of a timed run: the main thread raises it when the measurement window ends;
 * each client finishes the request it is in and asks for no more. A SharedArrayBuffer cell read
 * with `Atomics.load`, so a client sees it without any message or timer.
 */
export class StopSignal {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(): StopSignal {
    return new StopSignal(new SharedArrayBuffer(4));
  }

  get raised(): boolean {
    return Atomics.load(this.cells, 0) !== 0;
  }

  raise(): void {
    Atomics.store(this.cells, 0, 1);
  }
}
