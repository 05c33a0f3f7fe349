/**
 * file-lock under a holder stopped past the stale threshold: another client takes the lock over
 * as stale and writes; the stopped holder, resumed, must not write what it read before. Once its
 * resumed write landed (the db went 4→3→2→1→3) while the row said "run failed" with no stale
 * write counted: proper-lockfile reports a compromised lock only from its refresh timer, after
 * the write. The holder here is stopped for real as far as its own thread can tell: its thread is
 * blocked (no timer runs, no refresh), as a SIGSTOP would leave it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import { FileStore } from '../bench/workloads/store.ts';
import { isConflict, type StateAccess } from '../bench/workloads/operation.ts';
import { fileLock, STALE_MS } from '../strategies/file-lock.ts';
import type { Buyer } from './fixtures/file-lock-buyer.ts';

const dir = mkdtempSync(join(tmpdir(), 'sync-bench-lost-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file-lock with a holder stopped past the stale threshold', () => {
  it("refuses the resumed holder's stale write, counts it as an abort, and lets the holder buy again", async () => {
    const db = join(dir, 'db.json');
    writeFileSync(db, JSON.stringify({ count: 4 }));
    const cells = new SharedArrayBuffer(12);
    const c = new Int32Array(cells);
    const pool = new Piscina<Buyer, undefined>({ filename: fileURLToPath(new URL('./fixtures/file-lock-buyer.ts', import.meta.url)), minThreads: 1, maxThreads: 1, execArgv: tsWorkerExecArgv });
    const taking = pool.run({ db, cells });
    taking.catch(() => undefined);
    // The other client is connected and waits for "go" in its thread before this one takes the lock.
    await expect.poll(() => Atomics.load(c, 2), { timeout: 30_000, interval: 10 }).toBe(1);
    const outcomes: string[] = [];
    const session = await fileLock.connect({
      share: null,
      note: () => undefined,
      store: new FileStore(db, { readMs: 0, writeMs: 0 }),
      async execute(_op, access: StateAccess) {
        const read = await access.read();
        if (!read.ok) throw new Error('torn read');
        const count = (read.state as { count: number }).count;
        if (outcomes.length === 0) {
          // Stopped after the read: the other client may go; this thread runs nothing (no refresh)
          // until it has taken the lock over as stale and written.
          Atomics.store(c, 0, 1);
          Atomics.notify(c, 0);
          const woke = Atomics.wait(c, 1, 0, 4 * STALE_MS);
          expect(woke).not.toBe('timed-out');
        }
        try {
          await access.write({ count: count - 1 });
          outcomes.push(`wrote ${count - 1}`);
        } catch (error) {
          outcomes.push(isConflict(error) ? 'refused' : `failed: ${String(error)}`);
          throw error;
        }
        return { success: true, tornReads: 0 };
      },
    });
    try {
      await session.run({ clientId: 0, slot: 0, input: 0, workUs: 0 });
    } finally {
      await session.close();
      await taking.finally(() => pool.destroy());
    }
    // The taker wrote 3; the holder's write of 3 (from its read of 4) was refused; it bought again from 3.
    expect(outcomes).toEqual(['refused', 'wrote 2']);
    expect(JSON.parse(readFileSync(db, 'utf8'))).toEqual({ count: 2 });
  });
});
