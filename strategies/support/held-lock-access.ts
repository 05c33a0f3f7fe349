import { statSync, type Stats } from 'node:fs';
import { sleepExact } from '../../bench/coordination/sleep.ts';
import { ConflictError, type ReadResult, type StateAccess } from '../../bench/workloads/operation.ts';
import type { FileStore } from '../../bench/workloads/store.ts';

/**
 * A write refused because its writer no longer held the lock: it had lost it to another client
 * (a stale takeover) or could lose it at any moment. A {@link ConflictError}: the harness logs
 * the attempt as aborted, and the strategy asks for the lock again.
 */
export class LockLostError extends ConflictError {}

/** Which lock directory a holder created: its inode and birth time (a takeover's `mkdir` makes another). */
export interface LockIdentity {
  readonly ino: number;
  readonly birthtimeMs: number;
}

/** The identity of the lock directory at `path` now. */
export function lockIdentity(path: string): LockIdentity {
  const { ino, birthtimeMs } = statSync(path);
  return { ino, birthtimeMs };
}

/**
 * Why the holder of the lock directory `identity` at `path` may not write now, or null if it may:
 * the directory is gone or is another one (taken over), or its mtime is `staleMs` old or more, so
 * that any waiter may take it over as stale, or `compromised` (proper-lockfile's own report).
 */
export function lockLost(path: string, identity: LockIdentity, staleMs: number, compromised: Error | null): string | null {
  if (compromised !== null) return `proper-lockfile reported it compromised (${compromised.message})`;
  let now: Stats;
  try {
    now = statSync(path);
  } catch {
    return 'its lock directory is gone';
  }
  if (now.ino !== identity.ino || now.birthtimeMs !== identity.birthtimeMs) return 'another client took its lock directory over';
  const age = Date.now() - now.mtimeMs;
  if (age >= staleMs) return `its lock directory was not refreshed for ${Math.round(age)} ms, past the ${staleMs} ms stale threshold`;
  return null;
}

/**
 * The db file as a holder of a file lock writes it: each write first waits the store's write
 * latency, then checks with `lost` that the writer still holds the lock, and only then writes,
 * synchronously; a writer that lost it is refused with a {@link LockLostError} and writes nothing.
 *
 * proper-lockfile learns that a lock was compromised only in its refresh timer: a holder stopped
 * past the stale threshold and resumed (a GC pause, a stopped process) otherwise writes what it
 * read before another client took the lock over, and that client's sales are lost. The check and
 * the write run in one synchronous step, with no turn of the event loop between them; a process
 * stopped between the two system calls would still write late, as any lock without fencing
 * allows (see the README on fencing).
 */
export class HeldLockAccess implements StateAccess {
  constructor(
    private readonly store: FileStore,
    private readonly lost: () => string | null,
  ) {}

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  read(): Promise<ReadResult> {
    return this.store.read();
  }

  async write(state: unknown): Promise<void> {
    await sleepExact(this.store.latency.writeMs);
    const why = this.lost();
    if (why !== null) throw new LockLostError(`write refused: the writer no longer held the file lock (${why}); it asks for the lock again`);
    await this.store.save(state);
  }
}
