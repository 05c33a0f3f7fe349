import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataKey, Float, formatValue, HistoryError, Keyword, sameValue, summarise, toHistory, type OperationRecord } from '../bench/histories/history.ts';
import { historyFileName, writeHistoryFile } from '../bench/histories/history-writer.ts';
import { historyFromJepsenPrinted, readEdnValue } from '../bench/histories/jepsen-printed.ts';
import { historyFromJsonLines, historyToJsonLines, historyToRecords } from '../bench/histories/json-lines.ts';
import { detectFormat, readHistoryFile, readHistoryText } from '../bench/histories/read-history.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-histories-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const op = (o: Partial<OperationRecord> & Pick<OperationRecord, 'process' | 'invoke'>): OperationRecord => ({ f: 'read', input: null, output: null, complete: o.invoke + 1, status: 'ok', ...o });

describe('toHistory', () => {
  it('sorts by invoke time, stably, and numbers the operations by that order', () => {
    const h = toHistory([op({ process: 2, invoke: 5 }), op({ process: 0, invoke: 1 }), op({ process: 1, invoke: 1, f: 'write', input: 3 })]);
    expect(h.map((o) => [o.index, o.process])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });

  it.each<[string, Partial<OperationRecord>, RegExp]>([
    ['a negative process', { process: -1 }, /process must be a whole number/],
    ['an empty f', { f: '' }, /f must be a non-empty string/],
    ['an object value', { input: { a: 1 } as never }, /input and output must be/],
    ['an infinite invoke', { invoke: Number.POSITIVE_INFINITY }, /invoke must be a finite time/],
    ['a completion before its invoke', { invoke: 5, complete: 4 }, /completes \(4\) before it is invoked \(5\)/],
    ['an ok with no completion', { complete: null }, /only info may have none/],
    ['an unknown status', { status: 'maybe' as never }, /status 'maybe'/],
  ])('refuses %s', (_, change, message) => {
    expect(() => toHistory([{ ...op({ process: 0, invoke: 0 }), ...change }])).toThrow(message);
  });

  it('refuses a process with two operations in flight, and accepts one after the other (also at the same instant)', () => {
    expect(() => toHistory([op({ process: 0, invoke: 0, complete: 10 }), op({ process: 0, invoke: 5 })])).toThrow(/still in flight/);
    expect(() => toHistory([op({ process: 0, invoke: 0, complete: null, status: 'info' }), op({ process: 0, invoke: 50 })])).toThrow(HistoryError);
    expect(toHistory([op({ process: 0, invoke: 0, complete: 10 }), op({ process: 0, invoke: 10 })])).toHaveLength(2);
  });

  it('summarises by status and process', () => {
    const h = toHistory([op({ process: 0, invoke: 0 }), op({ process: 1, invoke: 0, status: 'fail' }), op({ process: 2, invoke: 0, complete: null, status: 'info' }), op({ process: 0, invoke: 3 })]);
    expect(summarise(h)).toEqual({ ok: 2, fail: 1, info: 1, processes: 3 });
  });

  it('compares and prints values as Jepsen does', () => {
    expect(sameValue([1, [2, null]], [1, [2, null]])).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(null, 0)).toBe(false);
    expect(formatValue([1, null, 'a', [true]])).toBe('[1 nil "a" [true]]');
  });

  it('keeps the types of values apart as Clojure does: 1 is not 1.0, :a is not "a", big integers exactly', () => {
    // Integers: exact whatever their form; 2^53 + 1 is not 2^53 (a double cannot tell them apart).
    expect(sameValue(9007199254740993n, 9007199254740992)).toBe(false);
    expect(sameValue(9007199254740993n, 9007199254740993n)).toBe(true);
    expect(sameValue(5, 5n)).toBe(true);
    // An integer never equals a float, whatever their values.
    expect(sameValue(1, new Float(1))).toBe(false);
    expect(sameValue(new Float(1), 1n)).toBe(false);
    expect(sameValue(new Float(1), new Float(1))).toBe(true);
    expect(sameValue(new Float(2.5), 2.5)).toBe(true);
    expect(sameValue(2.5, 2.5)).toBe(true);
    // A keyword never equals the string of its name.
    expect(sameValue(new Keyword('a'), 'a')).toBe(false);
    expect(sameValue('a', new Keyword('a'))).toBe(false);
    expect(sameValue(new Keyword('a'), new Keyword('a'))).toBe(true);
    expect(sameValue([new Keyword('a'), 1], [new Keyword('a'), 1])).toBe(true);
    expect(sameValue([new Keyword('a'), 1], [new Keyword('a'), new Float(1)])).toBe(false);
    expect(formatValue([new Keyword('a'), new Float(1), 2.5, 9007199254740993n, 'a'])).toBe('[:a 1.0 2.5 9007199254740993 "a"]');
    // Their keys for the checker's interchangeable operations differ too.
    const keys = [1, new Float(1), 1n, 'a', new Keyword('a'), 9007199254740993n, 9007199254740992].map((v) => dataKey(['write', v]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('accepts big integers, floats and keywords as values, and refuses a keyword with no name or a float that is not finite', () => {
    expect(toHistory([op({ process: 0, invoke: 0, f: 'write', input: [2n ** 64n, new Float(3), new Keyword('k')] })])).toHaveLength(1);
    expect(() => toHistory([op({ process: 0, invoke: 0, f: 'write', input: new Keyword('') })])).toThrow(/input and output must be/);
    expect(() => toHistory([op({ process: 0, invoke: 0, f: 'write', input: new Float(Number.NaN) })])).toThrow(/input and output must be/);
  });
});

describe('JSON lines', () => {
  const history = toHistory([
    { process: 0, f: 'cas', input: [1, 2], output: [1, 2], invoke: 1.5, complete: 2.25, status: 'ok' },
    { process: 1, f: 'read', input: null, output: 2, invoke: 1.7, complete: 3, status: 'ok' },
    { process: 2, f: 'write', input: 4, output: 4, invoke: 2.25, complete: 2.5, status: 'info' },
    { process: 3, f: 'cas', input: [2, 5], output: [2, 5], invoke: 3, complete: 4, status: 'fail' },
    { process: 4, f: 'write', input: 7, output: null, invoke: 3.5, complete: null, status: 'info' },
  ]);

  it('writes Jepsen records in time order (invokes first at a tie), times in ns, a never-completed operation as its invoke alone', () => {
    const lines = historyToJsonLines(history).trimEnd().split('\n');
    expect(lines[0]).toBe('{"index":0,"process":0,"type":"invoke","f":"cas","value":[1,2],"time":1500000}');
    const records = historyToRecords(history);
    // cas invoke 1.5, read invoke 1.7, write invoke 2.25 before the cas completion at 2.25; the fail's invoke at 3 before the read's completion at 3.
    expect(records.map((r) => [r.process, r.type, r.time])).toEqual([
      [0, 'invoke', 1_500_000],
      [1, 'invoke', 1_700_000],
      [2, 'invoke', 2_250_000],
      [0, 'ok', 2_250_000],
      [2, 'info', 2_500_000],
      [3, 'invoke', 3_000_000],
      [1, 'ok', 3_000_000],
      [4, 'invoke', 3_500_000],
      [3, 'fail', 4_000_000],
    ]);
    expect(records.map((r) => r.index)).toEqual(records.map((_, i) => i));
  });

  it('reads back what it wrote: the same operations, times in ms', () => {
    const parsed = historyFromJsonLines(historyToJsonLines(history));
    expect(parsed.clock).toBe('ms');
    expect(parsed.operations).toEqual(history);
  });

  it('without times, the order of the lines is the order of the events (clock: line numbers)', () => {
    const text = historyToJsonLines(history, 'line');
    expect(text).not.toContain('"time"');
    const parsed = historyFromJsonLines(text);
    expect(parsed.clock).toBe('line');
    expect(parsed.operations.map((o) => [o.process, o.invoke, o.complete, o.status])).toEqual([
      [0, 1, 4, 'ok'],
      [1, 2, 7, 'ok'],
      [2, 3, 5, 'info'],
      [3, 6, 9, 'fail'],
      [4, 8, null, 'info'],
    ]);
  });

  it('skips nemesis records and blank lines, ignores unknown keys', () => {
    const text = [
      '{"process":"nemesis","type":"info","f":"start","value":null}',
      '',
      '{"process":0,"type":"invoke","f":"read","value":null,"extra":1}',
      '{"process":":nemesis","type":"info","f":"stop","value":null}',
      '{"process":0,"type":"ok","f":"read","value":3}',
    ].join('\n');
    expect(historyFromJsonLines(text).operations).toMatchObject([{ process: 0, f: 'read', output: 3, invoke: 3, complete: 5 }]);
  });

  it('reads numbers exactly: integers beyond 2^53 as bigints, 1.0 as a float, 1 as an integer', () => {
    const text = [
      '{"process":0,"type":"invoke","f":"write","value":[9007199254740993,1.0,1,2.5,-0.5e1,12345678901234567890123]}',
      '{"process":0,"type":"ok","f":"write","value":1e2}',
    ].join('\n');
    const [write] = historyFromJsonLines(text).operations;
    expect(write?.input).toEqual([9007199254740993n, new Float(1), 1, 2.5, new Float(-5), 12345678901234567890123n]);
    expect(write?.output).toEqual(new Float(100));
  });

  it('reads epoch times in ns exactly: two events 100 ns apart at 2^60 ns stay apart, as ms after the first event', () => {
    const t = 2n ** 60n;
    const text = [
      `{"process":0,"type":"invoke","f":"write","value":1,"time":${t}}`,
      `{"process":0,"type":"ok","f":"write","value":1,"time":${t + 1000n}}`,
      `{"process":1,"type":"invoke","f":"read","value":null,"time":${t + 1100n}}`,
      `{"process":1,"type":"ok","f":"read","value":1,"time":${t + 5000n}}`,
    ].join('\n');
    // A double cannot: 2^60 + 1000 and 2^60 + 1100 are both 2^60 + 1024.
    expect(JSON.parse(`[${t + 1000n},${t + 1100n}]`)).toEqual([2 ** 60 + 1024, 2 ** 60 + 1024]);
    const parsed = historyFromJsonLines(text);
    expect(parsed.origin).toBe(t);
    expect(parsed.operations.map((o) => [o.invoke, o.complete])).toEqual([
      [0, 0.001],
      [0.0011, 0.005],
    ]);
  });

  it('keeps times small enough as they are (no origin), and refuses times too far apart to keep apart in ms', () => {
    const small = historyFromJsonLines('{"process":0,"type":"invoke","f":"read","value":null,"time":1000000}\n{"process":0,"type":"ok","f":"read","value":null,"time":2000001}');
    expect(small.origin).toBeUndefined();
    expect(small.operations[0]).toMatchObject({ invoke: 1, complete: 2.000001 });
    const far = [
      '{"process":0,"type":"invoke","f":"read","value":null,"time":0}',
      `{"process":0,"type":"ok","f":"read","value":null,"time":${2n ** 60n}}`,
      `{"process":1,"type":"invoke","f":"read","value":null,"time":${2n ** 60n + 100n}}`,
      `{"process":1,"type":"ok","f":"read","value":null,"time":${2n ** 60n + 200n}}`,
    ].join('\n');
    expect(() => historyFromJsonLines(far)).toThrow(/its times span 1152921504606847176 ns \(from 0 to 1152921504606847176\): too long to keep every two of them apart in ms \(99 days at most\); split the history/);
  });

  it('refuses events out of order by 100 ns at an epoch time (a double would take them as equal)', () => {
    const t = 2n ** 60n;
    const text = [
      `{"process":0,"type":"invoke","f":"read","value":null,"time":${t + 100n}}`,
      `{"process":1,"type":"invoke","f":"read","value":null,"time":${t}}`,
    ].join('\n');
    expect(() => historyFromJsonLines(text)).toThrow(/line 2: time -0\.0001 is earlier than the event before it \(0\)/);
  });

  it('writes values so that they read back with their types, and refuses a keyword (JSON has none)', () => {
    const typed = toHistory([
      { process: 0, f: 'write', input: [9007199254740993n, new Float(1), 1, 2.5, new Float(1e21), 2 ** 60], output: null, invoke: 0, complete: 1, status: 'ok' },
    ]);
    const text = historyToJsonLines(typed);
    expect(text).toContain('"value":[9007199254740993,1.0,1,2.5,1e+21,1152921504606846976]');
    expect(historyFromJsonLines(text).operations[0]?.input).toEqual([9007199254740993n, new Float(1), 1, 2.5, new Float(1e21), 2n ** 60n]);
    const keyword = toHistory([{ process: 0, f: 'write', input: new Keyword('a'), output: null, invoke: 0, complete: 1, status: 'ok' }]);
    expect(() => historyToJsonLines(keyword)).toThrow(/the keyword :a has no form in JSON lines/);
    const late = toHistory([{ process: 0, f: 'read', input: null, output: null, invoke: 2 ** 40, complete: 2 ** 40 + 1, status: 'ok' }]);
    expect(() => historyToJsonLines(late)).toThrow(/beyond 2\^53 ns and cannot be written exactly/);
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{"process":0,', /line 1: not JSON/],
    ['an array', '[1]', /line 1: not a JSON object/],
    ['a bad process', '{"process":-1,"type":"invoke","f":"read","value":null}', /line 1: "process" must be/],
    ['a bad type', '{"process":0,"type":"done","f":"read","value":null}', /line 1: "type" must be invoke, ok, fail or info/],
    ['no value', '{"process":0,"type":"invoke","f":"read"}', /line 1: has no "value"/],
    ['an object value', '{"process":0,"type":"invoke","f":"write","value":{"a":1}}', /line 1: "value" must be/],
    ['a completion with no invoke', '{"process":0,"type":"ok","f":"read","value":1}', /line 1: process 0 completes read \(ok\) but has no pending invoke/],
    ['two invokes', '{"process":0,"type":"invoke","f":"read","value":null}\n{"process":0,"type":"invoke","f":"read","value":null}', /line 2: process 0 invokes read while its read \(line 1\)/],
    ['another f', '{"process":0,"type":"invoke","f":"read","value":null}\n{"process":0,"type":"ok","f":"write","value":1}', /line 2: process 0 completes write but invoked read/],
    ['times on some records only', '{"process":0,"type":"invoke","f":"read","value":null,"time":5}\n{"process":0,"type":"ok","f":"read","value":1}', /line 2: has no time/],
    ['time going back', '{"process":0,"type":"invoke","f":"read","value":null,"time":5000000}\n{"process":0,"type":"ok","f":"read","value":1,"time":4000000}', /line 2: time 4 is earlier/],
    ['a time with a fraction', '{"process":0,"type":"invoke","f":"read","value":null,"time":5.5}', /line 1: "time" must be a whole number of ns/],
    ['a duplicate key', '{"process":0,"process":1,"type":"invoke","f":"read","value":null}', /line 1: not JSON \(Duplicate key 'process'/],
  ])('refuses %s, naming the line', (_, text, message) => {
    expect(() => historyFromJsonLines(text)).toThrow(HistoryError);
    expect(() => historyFromJsonLines(text)).toThrow(message);
  });
});

describe("Jepsen's printed history", () => {
  it('reads tab- and space-separated lines, log prefixes, nil, integers, vectors, keywords, and skips nemesis and other log lines', () => {
    const text = [
      'INFO  jepsen.core - Running test',
      'INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]',
      '0 :invoke :read nil',
      ':nemesis\t:info\t:start\t{:a 1}',
      '2024-01-01 INFO [jepsen worker 1] jepsen.util: 1\t:invoke\t:write\t4',
      '3\t:ok\t:cas\t[1 2]',
      '0   :ok   :read   3',
      '1\t:info\t:write\t:timed-out',
      '',
    ].join('\n');
    const { operations, clock } = historyFromJepsenPrinted(text);
    expect(clock).toBe('line');
    expect(operations).toEqual([
      { index: 0, process: 3, f: 'cas', input: [1, 2], output: [1, 2], invoke: 2, complete: 6, status: 'ok' },
      { index: 1, process: 0, f: 'read', input: null, output: 3, invoke: 3, complete: 7, status: 'ok' },
      { index: 2, process: 1, f: 'write', input: 4, output: new Keyword('timed-out'), invoke: 5, complete: 8, status: 'info' },
    ]);
  });

  it('ignores what follows the value (an error), keeps an unreadable info value as text, and makes a dangling invoke an info', () => {
    const text = '0\t:invoke\t:write\t4\n0\t:info\t:write\t4\tindeterminate: socket closed\n1\t:invoke\t:read\tnil\n1\t:info\t:read\t{:error 1}\n2\t:invoke\t:write\t5\n';
    const ops = historyFromJepsenPrinted(text).operations;
    expect(ops.map((o) => [o.process, o.status, o.output, o.complete])).toEqual([
      [0, 'info', 4, 2],
      [1, 'info', '{:error 1}', 4],
      [2, 'info', null, null],
    ]);
  });

  it('reads EDN values with their types: keywords apart from strings, floats apart from integers, big integers exactly', () => {
    expect(readEdnValue('nil')).toEqual({ value: null, rest: '' });
    expect(readEdnValue('[1 -2, [nil :a] "s t" (3 4.5) 7N] tail').value).toEqual([1, -2, [null, new Keyword('a')], 's t', [3, 4.5], 7]);
    expect(readEdnValue('[1 -2] tail').rest).toBe('tail');
    expect(readEdnValue('true').value).toBe(true);
    expect(readEdnValue('1.0').value).toEqual(new Float(1));
    expect(readEdnValue('2e3').value).toEqual(new Float(2000));
    expect(readEdnValue('9007199254740993').value).toBe(9007199254740993n);
    expect(readEdnValue('-9223372036854775809N').value).toBe(-9223372036854775809n);
    expect(readEdnValue('9007199254740991').value).toBe(9007199254740991);
    expect(() => readEdnValue('[1 2')).toThrow(/not closed/);
    expect(() => readEdnValue('{:a 1}')).toThrow(/maps and sets/);
    expect(() => readEdnValue('foo')).toThrow(/'foo' is not nil/);
    expect(() => readEdnValue('1.5M')).toThrow(/'1\.5M' is a BigDecimal, which is not supported/);
    expect(() => readEdnValue('010')).toThrow(/leading zero, which Clojure reads as octal/);
    expect(() => readEdnValue('1e400')).toThrow(/beyond the range of a double/);
  });

  it.each<[string, string, RegExp]>([
    ['no operation at all', 'INFO starting\n\n', /no line is an operation/],
    ['a broken operation line', '0\t:invoke\t:read\tnil\nzero\t:ok\t:read\t1\n', /line 2: cannot read it as an operation/],
    ['a bad value', '0\t:invoke\t:write\t[1\n', /line 1: cannot read the value '\[1': '\[' is not closed/],
    ['a completion with no invoke', '0\t:ok\t:read\t1\n', /line 1: process 0 completes read \(ok\) but has no pending invoke/],
  ])('refuses %s, naming the line', (_, text, message) => {
    expect(() => historyFromJepsenPrinted(text)).toThrow(message);
  });
});

describe('reading either format', () => {
  it('tells the formats apart by content', () => {
    expect(detectFormat('\n  {"process":0}')).toBe('json-lines');
    expect(detectFormat('0\t:invoke\t:read\tnil')).toBe('jepsen-printed');
    expect(readHistoryText('0\t:invoke\t:read\tnil\n0\t:ok\t:read\tnil\n').format).toBe('jepsen-printed');
  });

  it('reads a fixture file, and says why a file cannot be read', () => {
    const parsed = readHistoryFile('test/fixtures/histories/info-write-explains-read.jepsen.txt');
    expect(parsed.format).toBe('jepsen-printed');
    expect(parsed.operations.map((o) => [o.f, o.status])).toEqual([
      ['write', 'info'],
      ['read', 'ok'],
    ]);
    expect(() => readHistoryFile(join(scratch, 'missing.jsonl'))).toThrow(/cannot read .*missing\.jsonl \(ENOENT\)/);
  });
});

describe('the history writer', () => {
  it('names one file per run from its parts', () => {
    expect(historyFileName(['ticket-rush', 'doc', 'atomics-mutex', '50 clients', 'rep', 1])).toBe('ticket-rush.doc.atomics-mutex.50-clients.rep.1.jsonl');
    expect(historyFileName(['../../etc', 'x/y'])).toBe('etc.x-y.jsonl');
    expect(() => historyFileName(['..', '/'])).toThrow(/no usable name/);
  });

  it('writes a run as the harness records it (ms from hrtime, ns resolution) so that it reads back exactly', async () => {
    const history = toHistory(
      Array.from({ length: 200 }, (_, i): OperationRecord => {
        // As clock.ts stamps: Number(ns) / 1e6, here up to about 4 days into a run.
        const ns = BigInt(i) * 1_712_345_678_901n + 987n;
        const [invoke, complete] = [Number(ns) / 1e6, Number(ns + 1n) / 1e6];
        return { process: i, f: 'buy', input: null, output: i % 3 === 0 ? 'bought' : 'sold out', invoke, complete, status: 'ok' };
      }),
    );
    const path = await writeHistoryFile(scratch, ['ticket-rush', 'hrtime'], history);
    const back = readHistoryFile(path);
    expect(back.origin).toBeUndefined();
    expect(back.operations).toEqual(history);
  });

  it('writes JSON lines that read back as the same history', async () => {
    const history = toHistory([
      { process: 0, f: 'buy', input: null, output: 'bought', invoke: 0, complete: 300.25, status: 'ok' },
      { process: 1, f: 'buy', input: null, output: 'sold out', invoke: 0, complete: 400.5, status: 'ok' },
      { process: 2, f: 'buy', input: null, output: null, invoke: 0.125, complete: null, status: 'info' },
    ]);
    const path = await writeHistoryFile(scratch, ['ticket-rush', 'doc', 'file-lock', 'rep-1'], history);
    expect(path).toBe(join(scratch, 'ticket-rush.doc.file-lock.rep-1.jsonl'));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(6);
    expect(readHistoryFile(path).operations).toEqual(history);
    await expect(writeHistoryFile(join(scratch, 'no', 'such'), ['x'], history)).rejects.toThrow(/ENOENT/);
  });
});
