import { setTimeout as delay } from 'node:timers/promises';
import type Database from 'better-sqlite3';

/**
 * How long a `BEGIN IMMEDIATE` waits for the write lock before it gives up with SQLITE_BUSY, ms.
 * Longer than any queue of the suite's runs (50 doc clients: 15 s), so a wait ends in the lock,
 * not in an error; a holder that never commits is the run's watchdog's to catch.
 */
export const BUSY_TIMEOUT_MS = 60_000;

/**
 * SQLite's default busy handler's sleeps, ms, and the total slept before each (`sqliteDefaultBusyCallback`
 * in SQLite's `main.c`, built with `usleep`): after the last, every sleep is 100 ms.
 */
const DELAYS_MS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100] as const;
const TOTALS_MS = [0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228] as const;

/**
 * The sleep before attempt `count + 1` after `count + 1` attempts found the database busy, as
 * SQLite's busy handler with busy timeout `timeoutMs` computes it, ms; null when it gives up.
 */
export function busySleepMs(count: number, timeoutMs: number): number | null {
  const last = DELAYS_MS.length - 1;
  const sleep = DELAYS_MS[Math.min(count, last)] ?? 100;
  const prior = count <= last ? (TOTALS_MS[count] ?? 0) : 228 + 100 * (count - last);
  const ms = prior + sleep > timeoutMs ? timeoutMs - prior : sleep;
  return ms > 0 ? ms : null;
}

/**
 * Begins `db`'s write transaction (`BEGIN IMMEDIATE`), waiting for the write lock as SQLite's own
 * busy handler waits (the same sleeps, 1 ms growing to 100 ms, the same total
 * {@link BUSY_TIMEOUT_MS}), but with the sleeps taken between attempts on the event loop
 * (`setTimeout`, late by up to about 1 ms), not inside SQLite. The connection must have no busy
 * timeout of its own, so each attempt returns SQLITE_BUSY at once.
 *
 * better-sqlite3 is synchronous: SQLite's busy handler sleeps on the calling thread, which
 * nothing can stop, not even the termination of its worker thread; a database held by a hung
 * holder or by another program would keep a run, and a Ctrl-C, from ending until the busy timeout.
 * Here the thread is free between attempts, and a terminated worker ends at once.
 *
 * Rejects with SQLite's own SQLITE_BUSY error once the busy timeout is spent, or with any other
 * error of the `BEGIN`.
 */
export async function beginImmediate(db: Database.Database): Promise<void> {
  for (let count = 0; ; count++) {
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (error) {
      // SQLITE_BUSY, or an extended code of it (SQLITE_BUSY_RECOVERY, _SNAPSHOT, _TIMEOUT).
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !/^SQLITE_BUSY(_|$)/.test(code)) throw error;
      const ms = busySleepMs(count, BUSY_TIMEOUT_MS);
      if (ms === null) throw error;
      await delay(ms);
    }
  }
}
