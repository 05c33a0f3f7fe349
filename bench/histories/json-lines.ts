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
 * Records are in time order; at equal times invokes come first (on read, events at equal times are
 * concurrent, whatever their order in the file: see `history.ts`). An operation that never completed
 * (a crashed client: status `info`, no completion time) is written as its invoke alone, which
 * Knossos and Porcupine read as an `info` operation, as {@link historyFromJsonLines} does. Other
 * keys are ignored on read.
 *
 * Numbers are read exactly, with lossless-json (https://github.com/josdejong/lossless-json: its
 * parser hands over each number's text), not `JSON.parse`, which rounds every number to a double:
 * above 2^53 two integers 100 apart become one. In values, a number written without a fraction or
 * exponent is an integer (a bigint above 2^53 − 1), one written with them a float, so `1.0` is not
 * `1` (see `Value` in `history.ts`); written back, a float keeps a fraction or exponent and a big
 * integer all its digits. Times are read as exact ns and kept in ms, the history's unit: as
 * ns / 10^6 when that keeps every two distinct times of the file apart and in order (always when
 * every time is below 2^33 × 10^6 ns, 99 days: Jepsen's relative times and the harness's own),
 * otherwise as ms after the first event's time (for epoch times in ns, about 2^60), which the
 * parsed history gives as its `origin`; a file whose times are still too far apart (spanning more
 * than 99 days) is refused. The harness's ms are written as whole ns, rounded, and read back as
 * the same numbers.
 */
import { parse as parseJson, stringify as stringifyJson, type NumberStringifier } from 'lossless-json';
import { pairEvents, type HistoryEvent } from './events.ts';
import { Float, formatFloat, HistoryError, isValue, Keyword, type Clock, type HistoryOperation, type OperationStatus, type ParsedHistory, type Value } from './history.ts';

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

/** Numbers as the reader reads them back: a float keeps a fraction or exponent; an integer beyond 2^53 all its digits. */
const numberForms: NumberStringifier[] = [
  { test: (v) => v instanceof Float, stringify: (v) => formatFloat((v as Float).value) },
  { test: (v) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v), stringify: (v) => BigInt(v as number).toString() },
];

/**
 * `history` as JSON lines (see the file's description), one record per line, ending with a
 * newline. Throws {@link HistoryError} for a keyword value (JSON has none: it would read back as a
 * string) and a RangeError for a time beyond 2^53 ns (it could not be written exactly).
 */
export function historyToJsonLines(history: readonly HistoryOperation[], clock: Clock = 'ms'): string {
  const keywordless = (_key: string, v: unknown): unknown => {
    if (v instanceof Keyword) throw new HistoryError(`the keyword :${v.name} has no form in JSON lines (it would read back as the string "${v.name}")`);
    return v;
  };
  return historyToRecords(history, clock)
    .map((r) => {
      if (r.time !== undefined && !Number.isSafeInteger(r.time)) throw new RangeError(`time ${r.time} ns is beyond 2^53 ns and cannot be written exactly`);
      return `${stringifyJson(r, keywordless, undefined, numberForms) ?? ''}\n`;
    })
    .join('');
}

/** A number of the file, from its text: an integer exactly (a number when safe, else a bigint), a float as a number with a fraction or a {@link Float}. */
function readNumber(text: string): number | bigint | Float {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const x = Number(text);
  return Number.isInteger(x) ? new Float(x) : x;
}

/**
 * ms for exact ns `times`, taken after `origin`, or null if two distinct neighbouring times
 * would become equal or change order (see the file's description). Each step (bigint to double,
 * then / 10^6) is monotone, so neighbours that keep their order keep every pair's.
 */
function toMs(times: readonly bigint[], origin: bigint): number[] | null {
  const ms = times.map((t) => Number(t - origin) / NS_PER_MS);
  for (let i = 1; i < times.length; i++) {
    const [a, b] = [times[i - 1] as bigint, times[i] as bigint];
    const [x, y] = [ms[i - 1] as number, ms[i] as number];
    if (a < b !== x < y || a > b !== x > y) return null;
  }
  return ms;
}

/**
 * Reads JSON lines (see the file's description). Blank lines are skipped. Throws
 * {@link HistoryError} naming the line for a line that is not a JSON object (also: a key given
 * twice), a missing or ill-typed key (a `time` that is not a whole number of ns), and for the
 * pairing errors of {@link pairEvents}; and for times too far apart to keep apart in ms.
 */
export function historyFromJsonLines(text: string): ParsedHistory {
  const events: HistoryEvent[] = [];
  const nanoseconds: (bigint | null)[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    let data: unknown;
    try {
      data = parseJson(line, null, readNumber);
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
    if (time !== undefined && typeof time !== 'bigint' && !Number.isSafeInteger(time)) throw new HistoryError(`${where}: "time" must be a whole number of ns`);
    nanoseconds.push(time === undefined ? null : BigInt(time as number | bigint));
    events.push({ process, type, f, value, time: null, line: i + 1 });
  });
  const times = nanoseconds.filter((t) => t !== null);
  if (times.length === 0) return pairEvents(events);
  const untimed = nanoseconds.indexOf(null);
  if (untimed !== -1) throw new HistoryError(`line ${events[untimed]?.line ?? '?'}: has no time while other events have one; give every event a "time" or none`);
  let origin = 0n;
  let ms = toMs(times, origin);
  if (ms === null) {
    origin = times[0] as bigint;
    ms = toMs(times, origin);
  }
  if (ms === null) {
    const [first, last] = [times.reduce((a, b) => (b < a ? b : a)), times.reduce((a, b) => (b > a ? b : a))];
    throw new HistoryError(`its times span ${last - first} ns (from ${first} to ${last}): too long to keep every two of them apart in ms (99 days at most); split the history`);
  }
  const timed = events.map((e, k) => ({ ...e, time: ms[k] as number }));
  const parsed = pairEvents(timed);
  return origin === 0n ? parsed : { ...parsed, origin };
}
