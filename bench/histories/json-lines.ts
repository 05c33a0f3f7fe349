/**
 * The history file format: JSON lines, one Jepsen event record per line, as Jepsen's history
 * records are (`jepsen.history`; `:time` is Jepsen's relative time in nanoseconds), so that a
 * Knossos or Porcupine user can read it with a few lines of code:
 *
 * ```text
 * {"index":0,"process":0,"type":"invoke","f":"cas","value":[1,2],"time":1500000}
 * {"index":1,"process":1,"type":"invoke","f":"read","value":null,"time":1700000}
 * {"index":2,"process":0,"type":"ok","f":"cas","value":[1,2],"time":2250000}
 * {"index":3,"process":1,"type":"ok","f":"read","value":2,"time":3000000}
 * ```
 *
 * | key       | type                                 | meaning                                           |
 * |-----------|--------------------------------------|---------------------------------------------------|
 * | `index`   | whole number                         | the record's position (written; ignored on read)  |
 * | `process` | whole number ≥ 0, or `"nemesis"`     | the client; nemesis records are skipped on read   |
 * | `type`    | `invoke`, `ok`, `fail`, `info`       | an invoke, or the completion of the process's pending invoke |
 * | `f`       | string                               | the function (`read`, `write`, `cas`, `buy`)      |
 * | `value`   | null, boolean, number, string, array | at invoke: the input; at completion: the output   |
 * | `time`    | whole number, ns                     | optional: nanoseconds on the clients' shared clock (Jepsen's unit); either every record has one or none does, and then the order of the lines is the order of the events |
 *
 * Records are in time order; at equal times invokes come first. An operation that never completed
 * (a crashed client: status `info`, no completion time) is written as its invoke alone, which
 * Knossos and Porcupine read as an `info` operation, as {@link historyFromJsonLines} does. Other
 * keys are ignored on read. Times are written in ns, rounded, and read back as ms: a time keeps
 * 6 decimals of ms.
 */
import { pairEvents, type HistoryEvent } from './events.ts';
import { HistoryError, isValue, type Clock, type HistoryOperation, type OperationStatus, type ParsedHistory, type Value } from './history.ts';

/** One line of the format. */
export interface JepsenRecord {
  readonly index: number;
  readonly process: number;
  readonly type: 'invoke' | OperationStatus;
  readonly f: string;
  readonly value: Value;
  /** ns; absent when the history's clock is `line`. */
  readonly time?: number;
}

const NS_PER_MS = 1e6;

/**
 * The records of `history`, in time order (ties: invokes first, then by operation index). With
 * clock `line` (no real times) they carry no `time`, and their order alone gives the events'.
 */
export function historyToRecords(history: readonly HistoryOperation[], clock: Clock = 'ms'): JepsenRecord[] {
  const events: { at: number; rank: number; op: HistoryOperation; type: JepsenRecord['type'] }[] = [];
  for (const op of history) {
    events.push({ at: op.invoke, rank: 0, op, type: 'invoke' });
    if (op.complete !== null) events.push({ at: op.complete, rank: 1, op, type: op.status });
  }
  events.sort((a, b) => a.at - b.at || a.rank - b.rank || a.op.index - b.op.index);
  return events.map(({ at, op, type }, index) => ({
    index,
    process: op.process,
    type,
    f: op.f,
    value: type === 'invoke' ? op.input : op.output,
    ...(clock === 'ms' ? { time: Math.round(at * NS_PER_MS) } : {}),
  }));
}

/** `history` as JSON lines (see the file's description), one record per line, ending with a newline. */
export function historyToJsonLines(history: readonly HistoryOperation[], clock: Clock = 'ms'): string {
  return historyToRecords(history, clock).map((r) => `${JSON.stringify(r)}\n`).join('');
}

/**
 * Reads JSON lines (see the file's description). Blank lines are skipped. Throws
 * {@link HistoryError} naming the line for a line that is not a JSON object, a missing or
 * ill-typed key, and for the pairing errors of {@link pairEvents}.
 */
export function historyFromJsonLines(text: string): ParsedHistory {
  const events: HistoryEvent[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (error) {
      throw new HistoryError(`${where}: not JSON (${(error as Error).message})`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new HistoryError(`${where}: not a JSON object`);
    const record = data as Record<string, unknown>;
    const { process, type, f, value, time } = record;
    if (process === 'nemesis' || process === ':nemesis') return;
    if (typeof process !== 'number' || !Number.isSafeInteger(process) || process < 0) throw new HistoryError(`${where}: "process" must be a whole number ≥ 0 (or "nemesis")`);
    if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') throw new HistoryError(`${where}: "type" must be invoke, ok, fail or info`);
    if (typeof f !== 'string' || f === '') throw new HistoryError(`${where}: "f" must be a non-empty string`);
    if (!('value' in record)) throw new HistoryError(`${where}: has no "value" (use null for none)`);
    if (!isValue(value)) throw new HistoryError(`${where}: "value" must be null, a boolean, a finite number, a string or an array of them`);
    if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) throw new HistoryError(`${where}: "time" must be a number of ns`);
    events.push({ process, type, f, value, time: time === undefined ? null : time / NS_PER_MS, line: i + 1 });
  });
  return pairEvents(events);
}
