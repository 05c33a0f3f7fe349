/**
 * From Jepsen's event records to operations. A Jepsen history is a sequence of events, each
 * `{process, type, f, value, time?}` with type `invoke`, `ok`, `fail` or `info`; a process invokes
 * one operation at a time and the next event of that process completes it (Jepsen,
 * `jepsen.history`; Knossos, `knossos.history/complete` and `pairs`). Both file formats
 * (`json-lines.ts`, `jepsen-printed.ts`) read their lines into these events and pair them here.
 */
import { HistoryError, toHistory, type Clock, type OperationRecord, type OperationStatus, type ParsedHistory, type Value } from './history.ts';

/** One record of a Jepsen history, from line `line` (1-based) of its file. */
export interface HistoryEvent {
  readonly process: number;
  readonly type: 'invoke' | OperationStatus;
  readonly f: string;
  readonly value: Value;
  /** ms; null when the source has no timestamps (then the event's line number is its time). */
  readonly time: number | null;
  readonly line: number;
}

/**
 * Pairs each invoke with the next event of the same process, in order. The completion's type is
 * the operation's status; the invoke's value is its input and the completion's its output. An
 * invoke never completed is an `info` operation with a null completion (Knossos does the same).
 *
 * Times: either every event has one (clock `ms`) or none has (clock `line`: an event's time is
 * its line number).
 *
 * Throws {@link HistoryError} naming the event's line for a completion with no pending invoke,
 * an invoke while the process has one pending, a completion whose f differs from its invoke's,
 * times on some events but not others, or a time earlier than the one before it.
 */
export function pairEvents(events: readonly HistoryEvent[]): ParsedHistory {
  const timed = events.filter((e) => e.time !== null).length;
  if (timed !== 0 && timed !== events.length) {
    const missing = events.find((e) => e.time === null);
    throw new HistoryError(`line ${missing?.line ?? '?'}: has no time while other events have one; give every event a "time" or none`);
  }
  const clock: Clock = timed === 0 ? 'line' : 'ms';
  const pending = new Map<number, { event: HistoryEvent; at: number }>();
  const records: OperationRecord[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const where = `line ${event.line}`;
    const at = event.time ?? event.line;
    if (at < last) throw new HistoryError(`${where}: time ${at} is earlier than the event before it (${last}); events must be in time order`);
    last = at;
    const open = pending.get(event.process);
    if (event.type === 'invoke') {
      if (open !== undefined) throw new HistoryError(`${where}: process ${event.process} invokes ${event.f} while its ${open.event.f} (line ${open.event.line}) has not completed`);
      pending.set(event.process, { event, at });
      continue;
    }
    if (open === undefined) throw new HistoryError(`${where}: process ${event.process} completes ${event.f} (${event.type}) but has no pending invoke`);
    if (open.event.f !== event.f) throw new HistoryError(`${where}: process ${event.process} completes ${event.f} but invoked ${open.event.f} (line ${open.event.line})`);
    pending.delete(event.process);
    records.push({ process: event.process, f: event.f, input: open.event.value, output: event.value, invoke: open.at, complete: at, status: event.type });
  }
  for (const { event, at } of pending.values()) {
    records.push({ process: event.process, f: event.f, input: event.value, output: null, invoke: at, complete: null, status: 'info' });
  }
  return { operations: toHistory(records), clock };
}
