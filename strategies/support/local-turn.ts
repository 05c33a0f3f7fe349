/**
 * A first-come, first-served turn among the clients of one thread (or one process's main
 * thread), in memory: `take` resolves when every client that asked before has called its
 * `done`. Strategies whose waiting blocks or ties up a thread use it so that only one client of
 * the thread waits in the kernel or the database at a time; the others wait here, where waiting
 * costs nothing.
 */
export class LocalTurn {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with `done` once this client's turn comes; call `done` exactly once to pass the turn on. */
  async take(): Promise<() => void> {
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const before = this.tail;
    this.tail = before.then(() => mine);
    await before;
    let passed = false;
    return () => {
      if (passed) return;
      passed = true;
      done();
    };
  }
}

const turns = new Map<string, LocalTurn>();

/** The turn of this thread for `key` (a lock file, a database): one per thread and key. */
export function localTurn(key: string): LocalTurn {
  let turn = turns.get(key);
  if (turn === undefined) {
    turn = new LocalTurn();
    turns.set(key, turn);
  }
  return turn;
}
