/**
 * A client-observed history: what each client asked for, when, and what it was told, as Jepsen
 * records it (Kingsbury, https://github.com/jepsen-io/jepsen, `jepsen.history`) and as Knossos
 * (https://github.com/jepsen-io/knossos) and Porcupine (https://github.com/anishathalye/porcupine)
 * check it for linearizability (Herlihy and Wing, "Linearizability: A Correctness Condition for
 * Concurrent Objects", TOPLAS 12(3), 1990).
 *
 * One {@link HistoryOperation} per operation a client invoked:
 *
 * | field      | type                 | meaning                                                        |
 * |------------|----------------------|----------------------------------------------------------------|
 * | `index`    | whole number         | position in the history, 0-based, in invoke order (its name in reports) |
 * | `process`  | whole number ≥ 0     | the client (Jepsen's process); one operation at a time per process |
 * | `f`        | string               | the function: `buy` (ticket counter), `read`, `write`, `cas` (register) |
 * | `input`    | {@link Value}        | the value at invoke: nil for a read or a buy, the value for a write, `[old new]` for a cas |
 * | `output`   | {@link Value}        | the value at completion: what a read returned, `bought`/`sold out` for a buy; as Jepsen echoes it for a write or a cas |
 * | `invoke`   | ms                   | when the client asked                                          |
 * | `complete` | ms or null           | when it was told; null when it never was (a crashed client): the outcome is unknown |
 * | `status`   | `ok`, `fail`, `info` | Jepsen's completion type (below)                               |
 *
 * Status, with Jepsen's semantics: `ok`, the operation happened, between invoke and complete, with
 * this output; `fail`, it definitely did not happen (a checker drops it); `info`, it may or may not
 * have happened, at any time after its invoke (its completion is open-ended, +∞, whatever
 * `complete` says: `complete` is then only when the client gave up). Only an `info` operation may
 * have a null `complete`. Times are on one clock shared by all clients; their unit is ms, or line
 * numbers when the source had no timestamps (see {@link Clock}). Two events at the same time are
 * concurrent: an operation that completes at t and one invoked at t may be ordered either way
 * (the reading that allows the most orders, so a tie never makes a history non-linearizable).
 */

/**
 * A Clojure keyword (`:a`, Jepsen's `:bought`), kept apart from the string of the same name:
 * `:a` is not `"a"` (Clojure's `(= :a "a")` is false). `name` is without the colon.
 */
export class Keyword {
  constructor(readonly name: string) {}
}

/**
 * A floating-point number whose value is a whole number (`1.0`, `2e3`), kept apart from the
 * integer of that value: `1.0` is not `1` (Clojure's `(= 1 1.0)` is false). A float with a
 * fraction (`2.5`) is a plain number: no integer can equal it. Readers give every value in that
 * one form; {@link sameValue} also takes `new Float(2.5)` as equal to `2.5`.
 */
export class Float {
  constructor(readonly value: number) {}
}

/**
 * The values operations carry: Jepsen's nil, booleans, integers, floats, strings, keywords and
 * vectors (no maps or sets). Integers are exact: a safe integer (|n| ≤ 2^53 − 1) is a number, a
 * larger one a bigint; a float is a number with a fraction or a {@link Float}; a keyword is a
 * {@link Keyword}. Integers, floats, strings and keywords never equal one another
 * ({@link sameValue}); two floats are equal when their doubles are, as in Clojure.
 */
export type Value = null | boolean | number | bigint | string | Keyword | Float | readonly Value[];

/** Jepsen's completion types. */
export type OperationStatus = 'ok' | 'fail' | 'info';

/** What a caller (the harness) gives for one operation; {@link toHistory} numbers and checks them. */
export interface OperationRecord {
  readonly process: number;
  readonly f: string;
  readonly input: Value;
  readonly output: Value;
  /** ms (or a line number, see {@link Clock}). */
  readonly invoke: number;
  /** ms (or a line number); null: never completed, outcome unknown (status must be `info`). */
  readonly complete: number | null;
  readonly status: OperationStatus;
}

/** One operation of a history, numbered. See the table at the top of this file. */
export interface HistoryOperation extends OperationRecord {
  readonly index: number;
}

/**
 * What a history's times mean: `ms`, milliseconds on the clients' shared clock; `line`, the
 * history had no timestamps and an event's time is its line number in the file (1-based): the
 * order of the lines is the order of the events, as in Jepsen's printed history.
 */
export type Clock = 'ms' | 'line';

/** A history read from a file: its operations and what their times mean. */
export interface ParsedHistory {
  readonly operations: readonly HistoryOperation[];
  readonly clock: Clock;
  /**
   * Clock `ms` only, when the file's times (ns) were too large to keep apart in ms: the time, ns,
   * of the file's first event, and the operations' times are ms after it. Absent: times are the
   * file's own (ns / 10^6).
   */
  readonly origin?: bigint;
}

/** A history that is not well formed; the message says where (line number when read from a file) and why. */
export class HistoryError extends Error {}

/** Whether `v` is a {@link Value}: numbers finite, a keyword's name not empty. */
export function isValue(v: unknown): v is Value {
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (v instanceof Keyword) return typeof v.name === 'string' && v.name !== '';
  if (v instanceof Float) return typeof v.value === 'number' && Number.isFinite(v.value);
  return Array.isArray(v) && v.every(isValue);
}

/** An integer {@link Value} as a bigint (exact), or null when `v` is not an integer (a float, a Float, anything else). */
function integerOf(v: Value): bigint | null {
  if (typeof v === 'bigint') return v;
  return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
}

/** A float {@link Value} as its double, or null when `v` is not a float (an integer, anything else). */
function floatOf(v: Value): number | null {
  if (v instanceof Float) return v.value;
  return typeof v === 'number' && !Number.isInteger(v) ? v : null;
}

/**
 * Checks `records` and returns them as a history: sorted by invoke time (stably, so records
 * invoked at the same time keep their order) and numbered by that order.
 *
 * Throws {@link HistoryError} naming the record (its position in `records`) when a process is not
 * a whole number ≥ 0, `f` is empty, a value is not a {@link Value}, a time is not finite, a
 * completion precedes its invoke, a status is unknown, a null `complete` is not `info`, or one
 * process has two operations in flight at once (Jepsen's processes are sequential).
 */
export function toHistory(records: readonly OperationRecord[]): HistoryOperation[] {
  records.forEach((r, i) => {
    const bad = (why: string) => new HistoryError(`operation ${i} (process ${String(r.process)}, ${String(r.f)}): ${why}`);
    if (!Number.isSafeInteger(r.process) || r.process < 0) throw bad('process must be a whole number ≥ 0');
    if (typeof r.f !== 'string' || r.f === '') throw bad('f must be a non-empty string');
    if (!isValue(r.input) || !isValue(r.output)) throw bad('input and output must be nil, booleans, integers, finite floats, strings, keywords or arrays of them');
    if (!['ok', 'fail', 'info'].includes(r.status)) throw bad(`status '${String(r.status)}' is not ok, fail or info`);
    if (typeof r.invoke !== 'number' || !Number.isFinite(r.invoke)) throw bad('invoke must be a finite time');
    if (r.complete === null) {
      if (r.status !== 'info') throw bad(`an operation with status ${r.status} needs a completion time; only info may have none`);
    } else if (typeof r.complete !== 'number' || !Number.isFinite(r.complete)) {
      throw bad('complete must be a finite time or null');
    } else if (r.complete < r.invoke) {
      throw bad(`completes (${r.complete}) before it is invoked (${r.invoke})`);
    }
  });
  const sorted = records.map((r, i) => ({ r, i })).sort((a, b) => a.r.invoke - b.r.invoke || a.i - b.i);
  // One operation in flight per process: each must be invoked after (or when) the previous completed.
  const busyUntil = new Map<number, { end: number; at: number }>();
  for (const { r, i } of sorted) {
    const busy = busyUntil.get(r.process);
    if (busy !== undefined && r.invoke < busy.end) {
      throw new HistoryError(`operation ${i} (process ${r.process}, ${r.f}): invoked while operation ${busy.at} of the same process was still in flight`);
    }
    busyUntil.set(r.process, { end: r.complete ?? Number.POSITIVE_INFINITY, at: i });
  }
  return sorted.map(({ r }, index) => ({ index, process: r.process, f: r.f, input: r.input, output: r.output, invoke: r.invoke, complete: r.complete, status: r.status }));
}

/**
 * Whether two values are equal, as Clojure's `=` says for Jepsen's values: structurally (`[1 2]`
 * equals `[1 2]`), integers exactly whatever their form (`9007199254740993n` is not
 * `9007199254740992`; `5` equals `5n`), floats by their doubles, and an integer never equals a
 * float (`1` is not `1.0`), nor a keyword a string (`:a` is not `"a"`).
 */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ia = integerOf(a);
  const ib = integerOf(b);
  if (ia !== null || ib !== null) return ia !== null && ia === ib;
  const fa = floatOf(a);
  const fb = floatOf(b);
  if (fa !== null || fb !== null) return fa !== null && fa === fb;
  if (a instanceof Keyword || b instanceof Keyword) return a instanceof Keyword && b instanceof Keyword && a.name === b.name;
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  const [xs, ys] = [a as readonly Value[], b as readonly Value[]];
  return xs.length === ys.length && xs.every((x, i) => sameValue(x, ys[i] ?? null));
}

/** A float as Clojure prints it: with a fraction or an exponent, so that it never reads as an integer (`1.0`, `2.5`, `1e+21`). */
export function formatFloat(x: number): string {
  const text = String(x);
  return /[.eE]|Infinity|NaN/.test(text) ? text : `${text}.0`;
}

/** A value as Jepsen prints it: `nil`, `3`, `1.0`, `[1 2]`, `"text"`, `:keyword`. */
export function formatValue(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Keyword) return `:${v.name}`;
  if (v instanceof Float) return formatFloat(v.value);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return `[${v.map(formatValue).join(' ')}]`;
}

/**
 * A text that two pieces of data (values, or a model's inputs and outputs made of them and plain
 * JSON) share exactly when they are the same data of the same types: JSON, with a bigint, a
 * {@link Keyword} and a {@link Float} written as tagged objects (`{"#bigint":"…"}`,
 * `{"#keyword":"a"}`, `{"#float":1}`), which no value can be. Used to tell interchangeable
 * operations apart; a safe integer given as a bigint gets another text than as a number (the
 * readers never give one).
 */
export function dataKey(data: unknown): string {
  return (
    JSON.stringify(data, (_key, v: unknown) => {
      if (typeof v === 'bigint') return { '#bigint': String(v) };
      if (v instanceof Keyword) return { '#keyword': v.name };
      if (v instanceof Float) return { '#float': v.value };
      return v;
    }) ?? ''
  );
}

/** Counts of a history's operations by status, and its distinct processes. */
export function summarise(history: readonly HistoryOperation[]): { ok: number; fail: number; info: number; processes: number } {
  const count = (s: OperationStatus) => history.filter((op) => op.status === s).length;
  return { ok: count('ok'), fail: count('fail'), info: count('info'), processes: new Set(history.map((op) => op.process)).size };
}
