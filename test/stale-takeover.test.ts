/**
 * file-lock's stale takeover under a race: in each round a dead holder's stale lock is waiting,
 * and several threads try to take it over at the same instant. Exactly one may get it. With
 * proper-lockfile's own reclaim, and with an earlier rename-based one, some rounds had two holders
 * (moxystudio/node-proper-lockfile issue #121).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import type { Contender } from './fixtures/stale-takeover-worker.ts';

const CONTENDERS = 4;
const ROUNDS = 300;
const STALE_MS = 5_000;

const dir = mkdtempSync(join(tmpdir(), 'sync-bench-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file-lock stale takeover', () => {
  it(`gives a stale lock to exactly one of ${CONTENDERS} threads racing for it, in each of ${ROUNDS} rounds`, async () => {
    const pool = new Piscina<Contender, number>({
      filename: fileURLToPath(new URL('./fixtures/stale-takeover-worker.ts', import.meta.url)),
      minThreads: CONTENDERS,
      maxThreads: CONTENDERS,
      execArgv: tsWorkerExecArgv,
    });
    const db = join(dir, 'db.json');
    writeFileSync(db, '{}');
    const cells = new SharedArrayBuffer(4 * (2 + CONTENDERS));
    const c = new Int32Array(cells);
    const rounds: number[][] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const entry of readdirSync(dir)) if (entry !== 'db.json') rmSync(join(dir, entry), { recursive: true });
        mkdirSync(`${db}.lock`);
        const old = new Date(Date.now() - 2 * STALE_MS);
        utimesSync(`${db}.lock`, old, old);
        Atomics.store(c, 1, 0);
        const outcomes = Array.from({ length: CONTENDERS }, (_, index) => pool.run({ db, cells, index, contenders: CONTENDERS, round, staleMs: STALE_MS }));
        Atomics.store(c, 0, round);
        Atomics.notify(c, 0);
        rounds.push(await Promise.all(outcomes));
      }
    } finally {
      await pool.destroy();
    }
    const holders = rounds.map((r) => r.filter((o) => o === 1 || o === 3).length);
    expect(rounds.flat().filter((o) => o >= 2)).toEqual([]);
    expect(holders.filter((n) => n !== 1)).toEqual([]);
  });
});
