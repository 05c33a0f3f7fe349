/**
 * The workload's state in an SQLite database, for strategies whose state lives there (`sqlite`):
 * one row of a one-row table holding the state as JSON text, beside the run's db file. The harness
 * creates it with the initial state before the strategy's setup and reads the final state from it
 * after the clients end, as it reads the db file for the others: the verdict never rests on what
 * a strategy reports.
 *
 * Journal mode WAL: readers do not block the writer, and one writer at a time holds the write
 * lock, taken at `BEGIN IMMEDIATE`.
 */
import Database from 'better-sqlite3';
import type { ReadResult } from './operation.ts';

/** The table and its one row: `state(id = 1, json)`. */
export const STATE_TABLE = 'state';

/** Where a run's SQLite state lives: beside its db file (`db.json` → `db.sqlite`). */
export function sqlitePathFor(dbPath: string): string {
  return `${dbPath.replace(/\.json$/, '')}.sqlite`;
}

/** Creates the database at `path` with `initial` as its state, in WAL mode. */
export function createSqliteState(path: string, initial: unknown): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE ${STATE_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)`);
    db.prepare(`INSERT INTO ${STATE_TABLE} (id, json) VALUES (1, ?)`).run(JSON.stringify(initial));
  } finally {
    db.close();
  }
}

/**
 * The state's two statements on connection `db`, prepared once: `read` gives the state (parsed,
 * or the text that did not parse), `write` replaces it. Preparing them once keeps the parsing of
 * SQL out of every critical section that uses them.
 */
export function stateStatements(db: Database.Database): { read(): ReadResult; write(state: unknown): void } {
  const select = db.prepare<[], { json: string }>(`SELECT json FROM ${STATE_TABLE} WHERE id = 1`);
  const update = db.prepare<[string]>(`UPDATE ${STATE_TABLE} SET json = ? WHERE id = 1`);
  return {
    read() {
      const row = select.get();
      if (row === undefined) return { ok: false, text: '' };
      try {
        return { ok: true, state: JSON.parse(row.json) as unknown };
      } catch {
        return { ok: false, text: row.json };
      }
    },
    write(state) {
      update.run(JSON.stringify(state));
    },
  };
}

/** The state as it is in the database at `path` now: parsed, or the text that did not parse. */
export function readSqliteState(path: string): ReadResult {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return stateStatements(db).read();
  } finally {
    db.close();
  }
}
