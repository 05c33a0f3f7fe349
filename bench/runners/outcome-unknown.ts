/**
 * Whether an error thrown by a request means its outcome is unknown: the request timed out, or
 * the connection it travelled on died before its answer came back. The request may have been
 * applied or not (Jepsen's `info`: "Knossos treats :info operations as possibly having happened
 * at any time after their invocation", https://github.com/jepsen-io/knossos), so the client's
 * history records it as such, never as failed or as succeeded.
 *
 * Recognised: the socket errors of Node (`ECONNRESET`, `EPIPE`, `ECONNREFUSED`, `ETIMEDOUT`, …),
 * PostgreSQL's connection exceptions (SQLSTATE class 08), shutdown errors (57P01–57P03) and the
 * server's ending of an idle session (25P03 idle-in-transaction, 57P05 idle-session timeout), the
 * `pg` library's "Connection terminated" lines, ioredis's "Connection is closed" and its
 * "max retries per request" error, and any error named `TimeoutError`; looked for along the
 * error's `cause` chain too. Any other error is the strategy's: it fails the run.
 */

const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTCONN']);
/** PostgreSQL codes with which the server ends the connection: shut down, or given up on an idle session. */
const POSTGRES_SHUTDOWN = new Set(['57P01', '57P02', '57P03', '25P03', '57P05']);
const MESSAGES = [/connection terminated/i, /connection is closed/i, /max retries per request/i, /server closed the connection unexpectedly/i, /client has encountered a connection error/i, /stream isn't writeable/i];

export function outcomeUnknown(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || POSTGRES_SHUTDOWN.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (name === 'TimeoutError' || name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
