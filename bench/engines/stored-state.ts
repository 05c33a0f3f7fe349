/**
 * The workload's state as an engine stores it, JSON text, read back. A module of its own (not in
 * `redis-state.ts`) so that a strategy keeping its state elsewhere (NATS's key-value store) does
 * not load the Redis client in every client process for it.
 */
import type { ReadResult } from '../workloads/operation.ts';

/** The state from its JSON text as stored (null: no such key). */
export function parseState(text: string | null): ReadResult {
  if (text === null) return { ok: false, text: '' };
  try {
    return { ok: true, state: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, text };
  }
}
