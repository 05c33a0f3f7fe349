/**
 * One connection per thread (or process) and server, shared by the clients of that thread: a
 * PostgreSQL server accepts about 100 connections by default, and a run may have 1,000 clients.
 * The first client to ask opens it; the last to let go closes it. A client that holds a lock
 * through the connection's session blocks every other client on it, so the strategies that share
 * one make its clients take turns (see `local-turn.ts`).
 */

interface Entry<T> {
  readonly opened: Promise<T>;
  users: number;
}

const connections = new Map<string, Entry<unknown>>();

/** A client's use of a shared connection: `release` exactly once when the client closes. */
export interface ConnectionUse<T> {
  readonly connection: T;
  release(): Promise<void>;
}

/**
 * The connection of this thread for `key` (a URL): opened with `open` by the first user, closed
 * with `close` when the last user releases it. Rejects with `open`'s error (and forgets the
 * failed connection, so a later client tries again).
 */
export async function sharedConnection<T>(key: string, open: () => Promise<T>, close: (connection: T) => Promise<void>): Promise<ConnectionUse<T>> {
  let entry = connections.get(key) as Entry<T> | undefined;
  if (entry === undefined) {
    entry = { opened: open(), users: 0 };
    connections.set(key, entry);
  }
  const mine = entry;
  mine.users++;
  let connection: T;
  try {
    connection = await mine.opened;
  } catch (error) {
    mine.users--;
    if (connections.get(key) === mine) connections.delete(key);
    throw error;
  }
  let released = false;
  return {
    connection,
    async release() {
      if (released) return;
      released = true;
      mine.users--;
      if (mine.users > 0) return;
      if (connections.get(key) === mine) connections.delete(key);
      await close(connection);
    },
  };
}
