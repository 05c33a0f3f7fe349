/**
 * PostgreSQL's errors as the one line a failed row shows, with the server's reason kept.
 *
 * The server says why it ends a connection in an ErrorResponse carrying a SQLSTATE code
 * (PostgreSQL manual, Appendix A): 57P01 `terminating connection due to administrator command`
 * (`pg_terminate_backend`), 25P03 `terminating connection due to idle-in-transaction timeout`,
 * 53300 `sorry, too many clients already` or `too many connections for role "…"`. The `pg`
 * client hands that error to the query in flight, if there is one; on an idle connection it only
 * emits it as an `error` event, and every later query fails with "Client has encountered a
 * connection error and is not queryable", which hides the cause. {@link keepServerReason}
 * remembers the server's error and adds it to such failures.
 */
import type pg from 'pg';

/** SQLSTATE too_many_connections: the server's or the role's connection limit is reached. */
export const TOO_MANY_CONNECTIONS = '53300';

/** The SQLSTATE of a server error (`DatabaseError.code`, five characters), or null for any other error. */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * One line for a PostgreSQL error: the server's message and SQLSTATE, e.g. `terminating
 * connection due to administrator command (SQLSTATE 57P01)`; for too many connections (53300),
 * what to do about it. Any other error: its first line.
 */
export function postgresErrorLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';
  const code = sqlState(error);
  if (code === null) return message;
  const line = `${message} (SQLSTATE ${code})`;
  return code === TOO_MANY_CONNECTIONS
    ? `${line}: the run opens one connection per client thread or process; give fewer with --processes N (or --threads N), or raise the server's max_connections or the role's CONNECTION LIMIT`
    : line;
}

/** An error with the same SQLSTATE (`code`) as `cause`, so checks on the code (a serialization failure) still hold. */
function withLine(cause: unknown, line: string): Error {
  const error = new Error(line, { cause });
  const code = sqlState(cause);
  if (code !== null) Object.assign(error, { code });
  return error;
}

/**
 * Makes `client` say the server's reason: an `error` event is not fatal to the thread (a dropped
 * connection fails the query in flight), and a server error it carries is remembered; every
 * promise-returning `query` and `connect` then rejects with one line of PostgreSQL's message and
 * SQLSTATE (see {@link postgresErrorLine}), and a query that fails only because the connection
 * is gone says what the server gave as its reason. Returns `client`.
 */
export function keepServerReason<T extends pg.Client>(client: T): T {
  let ended: unknown = null;
  client.on('error', (error) => {
    if (ended === null && sqlState(error) !== null) ended = error;
  });
  const explain = (error: unknown): unknown => {
    if (sqlState(error) !== null) return withLine(error, postgresErrorLine(error));
    if (ended === null) return error;
    const message = error instanceof Error ? error.message : String(error);
    return withLine(error, `${message}: the server ended the connection: ${postgresErrorLine(ended)}`);
  };
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const connect = client.connect.bind(client) as (...args: unknown[]) => unknown;
  const explained = (call: (...args: unknown[]) => unknown) => (...args: unknown[]): unknown => {
    const result = call(...args);
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          throw explain(error);
        })
      : result;
  };
  Object.assign(client, { query: explained(query), connect: explained(connect) });
  return client;
}
