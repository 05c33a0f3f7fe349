/**
 * Reads a history in Jepsen's printed form, as Jepsen's logs show it (`jepsen.util/log-op`: the
 * process, the type, f and the value, tab-separated, possibly after a logger's prefix) and as
 * Porcupine's tests read it (`parseJepsenLog` in https://github.com/anishathalye/porcupine,
 * `porcupine_test.go`, on the etcd logs of its `test_data/jepsen/`):
 *
 * ```text
 * INFO  jepsen.util - 3	:invoke	:cas	[1 2]
 * 0	:invoke	:read	nil
 * 3	:ok	:cas	[1 2]
 * 0	:ok	:read	3
 * 1	:info	:write	:timed-out
 * :nemesis	:info	:start	nil
 * ```
 *
 * A line holds: process (a whole number), type (`:invoke`, `:ok`, `:fail`, `:info`), f (a
 * keyword) and a value, separated by tabs or spaces; anything before the process (a log prefix
 * ending in white space) and after the value (Jepsen's error, e.g. `indeterminate: …`) is ignored.
 * Values are EDN, read with their types as Clojure reads them (see `Value` in `history.ts`):
 * `nil`, `true`, `false`, integers exactly (`7`, `-2`, `7N`; beyond 2^53 − 1 as a bigint),
 * floats (`1.0`, `2.5`, `1e3`: a float is never equal to an integer, `1.0` is not `1`),
 * `"strings"`, keywords (a {@link Keyword}: `:a` is not `"a"`), vectors `[a b]` and lists `(a b)`
 * (read as arrays). BigDecimals (`1.5M`) are refused: their equality (`(= 1.0M 1.00M)` is false)
 * is not a double's. `:nemesis` lines, blank lines and lines that are not operations (other log
 * output) are skipped. There are no timestamps: the order of the lines is the order of the
 * events, and an event's time is its line number (clock `line`).
 *
 * The reader is written here: the EDN parsers on npm read every integer and float into a double
 * (`edn-data` 1.2: `parseInt` and `parseFloat`, so `1.0` is `1` and big integers round) and need
 * the whole text to be one value, where a log line has more after it.
 */
import { pairEvents, type HistoryEvent } from './events.ts';
import { Float, HistoryError, Keyword, type ParsedHistory, type Value } from './history.ts';

const OPERATION = /(?:^|\s)(\d+|:nemesis)[ \t]+:(invoke|ok|fail|info)[ \t]+:(\S+)(?:[ \t]+(.*))?$/;
/** A line that names an operation type as a token but does not parse as an operation is an error, not log noise. */
const LOOKS_LIKE_OPERATION = /(?:^|\s):(?:invoke|ok|fail|info)\s/;

class ValueReader {
  private at = 0;
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (this.at < this.text.length && /[\s,]/.test(this.text[this.at] ?? '')) this.at++;
  }

  /** The rest of the text after the value read so far. */
  rest(): string {
    return this.text.slice(this.at).trim();
  }

  read(): Value {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === undefined) throw new Error('a value is missing');
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      this.at++;
      const items: Value[] = [];
      for (;;) {
        this.skipSpace();
        if (this.text[this.at] === close) {
          this.at++;
          return items;
        }
        if (this.at >= this.text.length) throw new Error(`'${c}' is not closed`);
        items.push(this.read());
      }
    }
    if (c === '"') {
      const match = /^"(?:[^"\\]|\\.)*"/.exec(this.text.slice(this.at));
      if (match === null) throw new Error('a string is not closed');
      this.at += match[0].length;
      return JSON.parse(match[0]) as string;
    }
    if (c === '{' || c === '#') throw new Error('maps and sets are not supported');
    const token = /^[^\s,[\](){}"]+/.exec(this.text.slice(this.at))?.[0] ?? '';
    this.at += token.length;
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':') && token.length > 1) return new Keyword(token.slice(1));
    if (/^[-+]?0\d+N?$/.test(token)) throw new Error(`'${token}' has a leading zero, which Clojure reads as octal; not supported`);
    if (/^[-+]?\d+N?$/.test(token)) {
      const digits = token.replace(/N$/, '');
      const n = Number(digits);
      return Number.isSafeInteger(n) ? n : BigInt(digits.replace(/^\+/, ''));
    }
    if (/^[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?M$/.test(token)) throw new Error(`'${token}' is a BigDecimal, which is not supported (give the value as an integer or a float)`);
    if (/^[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?$/.test(token)) {
      const x = Number(token);
      if (!Number.isFinite(x)) throw new Error(`'${token}' is beyond the range of a double`);
      return Number.isInteger(x) ? new Float(x) : x;
    }
    throw new Error(`'${token || c}' is not nil, a number, a string, a keyword or a vector`);
  }
}

/** Reads one EDN value from the start of `text` (see the file's description); throws on anything else. */
export function readEdnValue(text: string): { value: Value; rest: string } {
  const reader = new ValueReader(text);
  const value = reader.read();
  return { value, rest: reader.rest() };
}

/**
 * Reads a printed history (see the file's description). Throws {@link HistoryError} naming the
 * line for a line that looks like an operation but does not parse (or whose value does not, except
 * an `:info` completion's, which is kept as text: its outcome is unknown anyway), when no line
 * is an operation, and for the pairing errors of {@link pairEvents}.
 */
export function historyFromJepsenPrinted(text: string): ParsedHistory {
  const events: HistoryEvent[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const match = OPERATION.exec(raw.trimEnd());
    if (match === null) {
      if (LOOKS_LIKE_OPERATION.test(`${raw} `)) throw new HistoryError(`line ${line}: cannot read it as an operation (process, :type, :f, value): '${raw.trim()}'`);
      return;
    }
    const [, process = '', type = '', f = '', valueText = ''] = match;
    if (process === ':nemesis') return;
    let value: Value = null;
    if (valueText.trim() !== '') {
      try {
        value = readEdnValue(valueText).value;
      } catch (error) {
        if (type !== 'info') throw new HistoryError(`line ${line}: cannot read the value '${valueText.trim()}': ${(error as Error).message}`);
        value = valueText.trim();
      }
    }
    const n = Number(process);
    if (!Number.isSafeInteger(n)) throw new HistoryError(`line ${line}: process ${process} is too large`);
    events.push({ process: n, type: type as HistoryEvent['type'], f, value, time: null, line });
  });
  if (events.length === 0) throw new HistoryError('no line is an operation (process, :type, :f, value), e.g. "0\t:invoke\t:read\tnil"');
  return pairEvents(events);
}
