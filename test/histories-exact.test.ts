/**
 * Histories that a reader rounding numbers to doubles, or dropping their types, judged wrongly:
 * each is a fixture (test/fixtures/histories/) with its verdict, beside the history it would be
 * mistaken for (times equal, values equal), which has the other verdict.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { casRegister } from '../bench/histories/cas-register.ts';
import { historyFromJsonLines } from '../bench/histories/json-lines.ts';
import { checkLinearizability } from '../bench/histories/linearizability.ts';
import { readHistoryFile, readHistoryText } from '../bench/histories/read-history.ts';
import { ticketCounter } from '../bench/histories/ticket-counter.ts';

const fixture = (name: string) => `test/fixtures/histories/${name}`;
const verdictOfText = (text: string) => checkLinearizability(readHistoryText(text).operations, casRegister()).verdict;
const verdictOfFile = (name: string) => checkLinearizability(readHistoryFile(fixture(name)).operations, casRegister()).verdict;

describe('times beyond 2^53 ns', () => {
  // A write completes at 2^60 + 1000 ns and a read invoked 100 ns later returns nil: the read came
  // after the write, so it must see 1. JSON.parse makes both times 2^60 + 1024: concurrent.
  const name = 'register-epoch-ns-100-apart.jsonl';
  const text = readFileSync(fixture(name), 'utf8');

  it('an invoke 100 ns after a completion, at 2^60 ns: ordered, not linearizable', () => {
    const parsed = readHistoryFile(fixture(name));
    expect(parsed.origin).toBe(2n ** 60n);
    expect(parsed.operations.map((o) => [o.f, o.invoke, o.complete])).toEqual([
      ['write', 0, 0.001],
      ['read', 0.0011, 0.005],
    ]);
    expect(verdictOfFile(name)).toBe('not linearizable');
  });

  it('the same history with the two times equal: concurrent (equal times are), linearizable', () => {
    const equal = text.replace('1152921504606848076', '1152921504606847976');
    expect(equal).not.toBe(text);
    expect(verdictOfText(equal)).toBe('linearizable');
  });
});

describe('values beyond 2^53', () => {
  // A write of 2^53 + 1, then a read of 2^53: as doubles both are 2^53.
  const name = 'register-big-integers-differ.jsonl';

  it('a read of 2^53 after a write of 2^53 + 1: not linearizable', () => {
    expect(readHistoryFile(fixture(name)).operations.map((o) => o.output)).toEqual([9007199254740993n, 9007199254740992n]);
    expect(verdictOfFile(name)).toBe('not linearizable');
  });

  it('a read of 2^53 + 1 after that write: linearizable; a cas from a big value compares it exactly', () => {
    const same = readFileSync(fixture(name), 'utf8').replace('"value":9007199254740992', '"value":9007199254740993');
    expect(verdictOfText(same)).toBe('linearizable');
    const cas = (from: string) =>
      historyFromJsonLines(
        [
          '{"process":0,"type":"invoke","f":"write","value":123456789012345678901234567890}',
          '{"process":0,"type":"ok","f":"write","value":123456789012345678901234567890}',
          `{"process":1,"type":"invoke","f":"cas","value":[${from},1]}`,
          `{"process":1,"type":"ok","f":"cas","value":[${from},1]}`,
        ].join('\n'),
      ).operations;
    expect(checkLinearizability(cas('123456789012345678901234567890'), casRegister()).verdict).toBe('linearizable');
    expect(checkLinearizability(cas('123456789012345678901234567891'), casRegister()).verdict).toBe('not linearizable');
  });
});

describe('value types in Jepsen printed histories', () => {
  it(':a written, "a" read: not linearizable; :a read: linearizable', () => {
    const name = 'register-keyword-not-string.jepsen.txt';
    expect(verdictOfFile(name)).toBe('not linearizable');
    expect(verdictOfText(readFileSync(fixture(name), 'utf8').replace('"a"', ':a'))).toBe('linearizable');
  });

  it('1 written, 1.0 read: not linearizable; 1 read: linearizable', () => {
    const name = 'register-integer-not-float.jepsen.txt';
    expect(verdictOfFile(name)).toBe('not linearizable');
    expect(verdictOfText(readFileSync(fixture(name), 'utf8').replace('1.0', '1'))).toBe('linearizable');
  });

  it('a big integer written and read exactly: linearizable; one less: not', () => {
    const history = (read: string) => `0\t:invoke\t:write\t18446744073709551617\n0\t:ok\t:write\t18446744073709551617\n1\t:invoke\t:read\tnil\n1\t:ok\t:read\t${read}\n`;
    expect(verdictOfText(history('18446744073709551617N'))).toBe('linearizable');
    expect(verdictOfText(history('18446744073709551616'))).toBe('not linearizable');
  });

  it('the ticket counter takes :bought and "bought" alike (its model says so)', () => {
    const text = '0\t:invoke\t:buy\tnil\n1\t:invoke\t:buy\tnil\n0\t:ok\t:buy\t:bought\n1\t:ok\t:buy\t"bought"\n';
    const operations = readHistoryText(text).operations;
    expect(checkLinearizability(operations, ticketCounter(1)).verdict).toBe('not linearizable');
    expect(checkLinearizability(operations, ticketCounter(2)).verdict).toBe('linearizable');
  });
});

describe('value types in JSON lines', () => {
  it('1 written, 1.0 read: not linearizable; 1 read: linearizable', () => {
    const history = (read: string) =>
      `{"process":0,"type":"invoke","f":"write","value":1}\n{"process":0,"type":"ok","f":"write","value":1}\n{"process":1,"type":"invoke","f":"read","value":null}\n{"process":1,"type":"ok","f":"read","value":${read}}\n`;
    expect(verdictOfText(history('1.0'))).toBe('not linearizable');
    expect(verdictOfText(history('1'))).toBe('linearizable');
  });
});
