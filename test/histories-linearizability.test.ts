import { describe, expect, it } from 'vitest';
import { casRegister } from '../bench/histories/cas-register.ts';
import { dataKey, Float, HistoryError, Keyword, sameValue, toHistory, type HistoryOperation, type OperationRecord, type Value } from '../bench/histories/history.ts';
import { checkLinearizability, type CheckResult } from '../bench/histories/linearizability.ts';
import type { Model } from '../bench/histories/model.ts';
import { ticketRushHistory } from '../bench/histories/synthetic.ts';
import { ticketCounter } from '../bench/histories/ticket-counter.ts';

type AnyModel = Model<unknown, unknown, unknown>;
const register = casRegister() as AnyModel;
const tickets = (n: number) => ticketCounter(n) as AnyModel;

/** An operation: [process, f, input, output, invoke, complete, status]. */
type Row = [number, string, Value, Value, number, number | null, ('ok' | 'fail' | 'info')?];
const history = (rows: readonly Row[]) =>
  toHistory(rows.map(([process, f, input, output, invoke, complete, status = 'ok']): OperationRecord => ({ process, f, input, output, invoke, complete, status })));

const check = (rows: readonly Row[], model: AnyModel = register) => checkLinearizability(history(rows), model);

/**
 * The definition, by brute force: some order of the ok operations and any subset of the info
 * ones, each placed after every ok operation that completed before it was invoked (equal times
 * are concurrent), that the model accepts. Exponential; for a handful of operations.
 */
function bruteForce(ops: readonly HistoryOperation[], model: AnyModel): boolean {
  const live = ops.filter((o) => o.status !== 'fail');
  const decoded = live.map((o) => model.decode(o));
  const done = new Array<boolean>(live.length).fill(false);
  const go = (state: unknown, remaining: number): boolean => {
    if (remaining === 0) return true;
    for (let k = 0; k < live.length; k++) {
      const op = live[k] as HistoryOperation;
      if (done[k]) continue;
      // Every ok operation not yet placed must not have completed before this one was invoked.
      const blocked = live.some((o, j) => !done[j] && j !== k && o.status === 'ok' && (o.complete as number) < op.invoke);
      if (blocked) continue;
      const { input, output } = decoded[k] as { input: unknown; output?: unknown };
      const after = op.status === 'ok' ? model.step(state, input, output) : model.stepUnknown(state, input);
      if (after === null) continue;
      done[k] = true;
      if (go(after, remaining - (op.status === 'ok' ? 1 : 0))) return true;
      done[k] = false;
    }
    return false;
  };
  return go(model.init(), live.filter((o) => o.status === 'ok').length);
}

/** Whether `order` is a linearization of `ops`: every ok operation once, no fail, info at most once, real time and the model respected. */
function isWitness(order: readonly HistoryOperation[], ops: readonly HistoryOperation[], model: AnyModel): boolean {
  const ids = order.map((o) => o.index);
  if (new Set(ids).size !== ids.length) return false;
  if (order.some((o) => o.status === 'fail')) return false;
  if (!ops.filter((o) => o.status === 'ok').every((o) => ids.includes(o.index))) return false;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const later = order[j] as HistoryOperation;
      const earlier = order[i] as HistoryOperation;
      if (later.status === 'ok' && (later.complete as number) < earlier.invoke) return false;
    }
  }
  let state = model.init();
  for (const op of order) {
    const { input, output } = model.decode(op);
    const after = op.status === 'ok' ? model.step(state, input, output) : model.stepUnknown(state, input);
    if (after === null) return false;
    state = after;
  }
  return true;
}

/**
 * The most ok operations any partial linearization holds, by brute force: sequences of ok and
 * info operations, each placed as in {@link bruteForce}, the model accepting every step.
 */
function longestPartial(ops: readonly HistoryOperation[], model: AnyModel): number {
  const live = ops.filter((o) => o.status !== 'fail');
  const done = new Array<boolean>(live.length).fill(false);
  const go = (state: unknown): number => {
    let most = 0;
    live.forEach((op, k) => {
      if (done[k]) return;
      if (live.some((o, j) => !done[j] && j !== k && o.status === 'ok' && (o.complete as number) < op.invoke)) return;
      const { input, output } = model.decode(op);
      const after = op.status === 'ok' ? model.step(state, input, output) : model.stepUnknown(state, input);
      if (after === null) return;
      done[k] = true;
      most = Math.max(most, (op.status === 'ok' ? 1 : 0) + go(after));
      done[k] = false;
    });
    return most;
  };
  return go(model.init());
}

/** Whether `steps` is a partial linearization of `ops`: each operation placed as in {@link bruteForce}, the states those the model gives. */
function isPartial(steps: readonly { op: HistoryOperation; before: string; after: string }[], ops: readonly HistoryOperation[], model: AnyModel): boolean {
  const placed = new Set<number>();
  let state = model.init();
  for (const { op, before, after } of steps) {
    if (placed.has(op.index) || op.status === 'fail') return false;
    if (ops.some((o) => !placed.has(o.index) && o.index !== op.index && o.status === 'ok' && (o.complete as number) < op.invoke)) return false;
    const { input, output } = model.decode(op);
    const next = op.status === 'ok' ? model.step(state, input, output) : model.stepUnknown(state, input);
    if (next === null || before !== model.describeState(state) || after !== model.describeState(next)) return false;
    placed.add(op.index);
    state = next;
  }
  return true;
}

/** The history the window's proof is about: window as is, the other operations of the prefix outcome-unknown. */
function windowHistory(window: readonly HistoryOperation[], others: readonly HistoryOperation[], relaxAlso?: HistoryOperation): HistoryOperation[] {
  return [...window.filter((o) => o !== relaxAlso), ...others.map((o) => ({ ...o, status: 'info' as const, complete: null })), ...(relaxAlso ? [{ ...relaxAlso, status: 'info' as const, complete: null }] : [])];
}

/** Checks a not-linearizable result's window against the definition: it fails, and relaxing any one of its operations makes it pass. */
function expectProvingWindow(result: CheckResult, model: AnyModel): void {
  if (result.verdict !== 'not linearizable') throw new Error(`expected not linearizable, got ${result.verdict}`);
  expect(result.window.length).toBeGreaterThan(0);
  expect(result.window.every((o) => o.status === 'ok' && (o.complete as number) <= result.prefixEnd)).toBe(true);
  expect(bruteForce(windowHistory(result.window, result.others), model)).toBe(false);
  if (result.windowMinimal) {
    for (const w of result.window) expect(bruteForce(windowHistory(result.window, result.others, w), model)).toBe(true);
  }
}

describe('the classic histories (Knossos, Porcupine, Herlihy & Wing)', () => {
  it('a read that overlaps a write may return the new value: linearizable', () => {
    const r = check([
      [0, 'write', 1, 1, 0, 10],
      [1, 'read', null, 1, 2, 5],
    ]);
    expect(r.verdict).toBe('linearizable');
  });

  it("Porcupine's register example 1 (MIT 6.824 quiz): two overlapping reads see the write and the old value: linearizable", () => {
    const r = check([
      [0, 'write', 100, null, 0, 100],
      [1, 'read', null, 100, 25, 75],
      [2, 'read', null, null, 30, 60],
    ]);
    expect(r.verdict).toBe('linearizable');
  });

  it("Porcupine's register example 2: a read sees the new value, a later read the old one: not linearizable, window = the two reads", () => {
    const r = check([
      [0, 'write', 200, null, 0, 100],
      [1, 'read', null, 200, 10, 30],
      [2, 'read', null, null, 40, 90],
    ]);
    expect(r.verdict).toBe('not linearizable');
    if (r.verdict !== 'not linearizable') return;
    expect(r.window.map((o) => o.index)).toEqual([1, 2]);
    expect(r.windowMinimal).toBe(true);
    expect(r.prefixEnd).toBe(90);
    expectProvingWindow(r, register);
  });

  it('a read returning a value never written: not linearizable, window = that read', () => {
    const r = check([
      [0, 'write', 1, 1, 0, 10],
      [1, 'read', null, 1, 11, 12],
      [2, 'read', null, 2, 20, 30],
    ]);
    expect(r.verdict).toBe('not linearizable');
    if (r.verdict === 'not linearizable') expect(r.window.map((o) => o.index)).toEqual([2]);
  });

  it('two concurrent cas on the same old value both succeed: not linearizable; the window is the two cas (the write that set the old value is taken as unknown)', () => {
    const r = check([
      [0, 'write', 0, 0, 0, 1],
      [1, 'cas', [0, 1], [0, 1], 2, 10],
      [2, 'cas', [0, 2], [0, 2], 3, 9],
    ]);
    expect(r.verdict).toBe('not linearizable');
    if (r.verdict !== 'not linearizable') return;
    expect(r.window.map((o) => o.index)).toEqual([1, 2]);
    expect(r.others.map((o) => o.index)).toEqual([0]);
    expectProvingWindow(r, register);
  });

  it('one of two concurrent cas on the same old value fails: linearizable', () => {
    const r = check([
      [0, 'write', 0, 0, 0, 1],
      [1, 'cas', [0, 1], [0, 1], 2, 10],
      [2, 'cas', [0, 2], [0, 2], 3, 9, 'fail'],
      [3, 'read', null, 1, 11, 12],
    ]);
    expect(r.verdict).toBe('linearizable');
  });

  it('ticket counter, 1 ticket, two overlapping buys both told bought: not linearizable, window = both', () => {
    const r = check(
      [
        [0, 'buy', null, 'bought', 0, 10],
        [1, 'buy', null, 'bought', 1, 11],
      ],
      tickets(1),
    );
    expect(r.verdict).toBe('not linearizable');
    if (r.verdict === 'not linearizable') expect(r.window.map((o) => o.index)).toEqual([0, 1]);
  });

  it('ticket counter, 1 ticket, one bought and one sold out, overlapping in either order: linearizable', () => {
    for (const [a, b] of [
      [0, 5],
      [5, 0],
    ] as const) {
      const r = check(
        [
          [0, 'buy', null, 'bought', a, 10],
          [1, 'buy', null, 'sold out', b, 9],
        ],
        tickets(1),
      );
      expect(r.verdict).toBe('linearizable');
    }
  });

  it('an :info write may explain a later read: linearizable, and the witness places the write', () => {
    const r = check([
      [0, 'write', 1, null, 0, null, 'info'],
      [1, 'read', null, 1, 5, 6],
    ]);
    expect(r.verdict).toBe('linearizable');
    if (r.verdict === 'linearizable') expect(r.linearization.map((o) => o.f)).toEqual(['write', 'read']);
  });

  it('an empty history, and one of fail and info operations only, are linearizable', () => {
    expect(check([]).verdict).toBe('linearizable');
    expect(
      check([
        [0, 'write', 1, 1, 0, 1, 'fail'],
        [1, 'read', null, 7, 0, null, 'info'],
      ]).verdict,
    ).toBe('linearizable');
  });
});

describe('each wrong checker fails one of these', () => {
  it('one that ignores real-time order: a read that starts after a write completed cannot see the old value', () => {
    expect(
      check([
        [0, 'write', 1, 1, 0, 1],
        [1, 'read', null, null, 2, 3],
      ]).verdict,
    ).toBe('not linearizable');
  });

  it('one that orders events of equal time: an operation invoked when another completes is concurrent with it', () => {
    expect(
      check([
        [0, 'write', 1, 1, 0, 5],
        [1, 'read', null, null, 5, 6],
      ]).verdict,
    ).toBe('linearizable');
  });

  it('one that treats :info as :fail (drops it): the info write is the only explanation of the read', () => {
    expect(
      check([
        [0, 'write', 1, null, 0, 2, 'info'],
        [1, 'read', null, 1, 5, 6],
      ]).verdict,
    ).toBe('linearizable');
  });

  it('one that takes an :info completion time as the end of the operation: the write took effect after the client gave up', () => {
    expect(
      check([
        [0, 'write', 1, null, 0, 5, 'info'],
        [1, 'read', null, null, 10, 12],
        [2, 'read', null, 1, 20, 22],
      ]).verdict,
    ).toBe('linearizable');
  });

  it('one that requires every :info operation to take effect: an info buy after the last ticket went did not happen', () => {
    expect(
      check(
        [
          [0, 'buy', null, null, 0, null, 'info'],
          [1, 'buy', null, 'bought', 1, 2],
        ],
        tickets(1),
      ).verdict,
    ).toBe('linearizable');
  });

  it('one that treats :fail as ok: a failed cas did not change the value', () => {
    expect(
      check([
        [0, 'write', 0, 0, 0, 1],
        [1, 'cas', [0, 1], [0, 1], 2, 3, 'fail'],
        [2, 'read', null, 0, 4, 5],
      ]).verdict,
    ).toBe('linearizable');
  });

  it('one that treats :fail as :info (may have happened): nobody else wrote the value read', () => {
    expect(
      check([
        [0, 'write', 0, 0, 0, 1],
        [1, 'cas', [0, 1], [0, 1], 2, 3, 'fail'],
        [2, 'read', null, 1, 4, 5],
      ]).verdict,
    ).toBe('not linearizable');
  });

  it('one that counts tickets and ignores time: sold out before the only ticket was bought', () => {
    expect(
      check(
        [
          [0, 'buy', null, 'sold out', 0, 1],
          [1, 'buy', null, 'bought', 2, 3],
        ],
        tickets(1),
      ).verdict,
    ).toBe('not linearizable');
  });

  it('one that never backtracks, or memoises the linearized set without the state: the first order of two writes is the wrong one', () => {
    expect(
      check([
        [0, 'write', 1, 1, 0, 10],
        [1, 'write', 2, 2, 0, 10],
        [2, 'read', null, 1, 20, 21],
      ]).verdict,
    ).toBe('linearizable');
  });

  it('one that tries interchangeable operations latest-completing first: the one completing first must go first', () => {
    // Two identical writes of 1, one done by 10; the read of 2 at 15 needs the write of 2 after the
    // early write of 1, and the read of 1 at 50 needs the late write of 1 after that.
    expect(
      check([
        [0, 'write', 1, 1, 0, 10],
        [1, 'write', 1, 1, 0, 100],
        [2, 'write', 2, 2, 0, 100],
        [3, 'read', null, 2, 15, 16],
        [4, 'read', null, 1, 50, 60],
      ]).verdict,
    ).toBe('linearizable');
  });

  it('one without memoisation: 12 concurrent writes and an impossible read take 12! orders without it, about 12·2^11 steps with it', () => {
    const rows: Row[] = Array.from({ length: 12 }, (_, i): Row => [i, 'write', i, i, 0, 10]);
    rows.push([12, 'read', null, 99, 20, 21]);
    const r = checkLinearizability(history(rows), register, { budget: { steps: 1_000_000 }, windowBudget: { steps: 1_000_000 } });
    expect(r.verdict).toBe('not linearizable');
    if (r.verdict === 'not linearizable') expect(r.window.map((o) => o.index)).toEqual([12]);
  });

  it('one that answers without a budget: a step budget of 1, or room for 1 configuration, gives unknown', () => {
    const h = history([
      [0, 'write', 1, 1, 0, 10],
      [1, 'write', 2, 2, 0, 10],
      [2, 'read', null, 1, 20, 21],
    ]);
    expect(checkLinearizability(h, register, { budget: { steps: 1 } })).toMatchObject({ verdict: 'unknown', reason: 'budget' });
    expect(checkLinearizability(h, register, { budget: { configurations: 1 } })).toMatchObject({ verdict: 'unknown', reason: 'budget' });
    expect(checkLinearizability(h, register, { budget: { configurations: 5 } }).verdict).toBe('linearizable');
  });
});

/** A small random number generator (mulberry32), seeded: the random histories are the same on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random history of `n` operations by 3 sequential processes on small integer times (many ties),
 * produced by running the operations at random points of their intervals against `model` and then,
 * sometimes, corrupting an outcome; some outcomes are made fail or info.
 */
function randomHistory(rand: () => number, n: number, kind: 'register' | 'tickets' | 'typed'): HistoryOperation[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  // The typed register's values: equal as doubles or as text, different as Clojure's values.
  const values: readonly Value[] = kind === 'typed' ? [1, new Float(1), 'a', new Keyword('a'), 2n ** 64n, 2n ** 64n + 1n] : [0, 1, 2];
  const ops: { process: number; f: string; input: Value; invoke: number; complete: number; point: number }[] = [];
  const free = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const process = Math.floor(rand() * 3);
    const invoke = (free[process] as number) + Math.floor(rand() * 3);
    const complete = invoke + Math.floor(rand() * 6);
    free[process] = complete + (rand() < 0.5 ? 0 : 1);
    const f = kind === 'tickets' ? 'buy' : pick(['read', 'read', 'write', 'cas']);
    const input: Value = f === 'write' ? pick(values) : f === 'cas' ? [pick([null, ...values]), pick(values)] : null;
    ops.push({ process, f, input, invoke, complete, point: invoke + rand() * (complete - invoke) });
  }
  // Run them in order of their points against the object.
  let value: Value = null;
  let left = 2;
  const outcome = new Map<number, { output: Value; status: 'ok' | 'fail' }>();
  [...ops.keys()].sort((a, b) => (ops[a] as { point: number }).point - (ops[b] as { point: number }).point).forEach((k) => {
    const o = ops[k] as (typeof ops)[number];
    if (o.f === 'buy') {
      outcome.set(k, { output: left > 0 ? 'bought' : 'sold out', status: 'ok' });
      if (left > 0) left--;
    } else if (o.f === 'read') outcome.set(k, { output: value, status: 'ok' });
    else if (o.f === 'write') {
      value = o.input;
      outcome.set(k, { output: o.input, status: 'ok' });
    } else {
      const [from, to] = o.input as [Value, Value];
      const ok = sameValue(from, value);
      if (ok) value = to;
      outcome.set(k, { output: o.input, status: ok ? 'ok' : 'fail' });
    }
  });
  const records = ops.map((o, k): OperationRecord => {
    let { output, status } = outcome.get(k) as { output: Value; status: 'ok' | 'fail' | 'info' };
    const r = rand();
    if (r < 0.12) {
      // Corrupt the outcome.
      if (o.f === 'read') output = pick([null, ...values]);
      else if (o.f === 'buy') output = output === 'bought' ? 'sold out' : 'bought';
      else status = status === 'ok' ? 'fail' : 'ok';
    } else if (r < 0.22) {
      status = 'info';
    }
    const neverCompleted = status === 'info' && rand() < 0.5;
    return { process: o.process, f: o.f, input: o.input, output: status === 'info' ? null : output, invoke: o.invoke, complete: neverCompleted ? null : o.complete, status };
  });
  // A process whose operation never completed does no more (as in Jepsen): drop its later operations.
  const dead = new Set<number>();
  return toHistory(
    records.filter((rec) => {
      if (dead.has(rec.process)) return false;
      if (rec.complete === null) dead.add(rec.process);
      return true;
    }),
  );
}

describe('against the definition, on random histories', () => {
  it.each([
    ['cas register', 'register' as const, register, 11],
    ['ticket counter (2 tickets)', 'tickets' as const, tickets(2), 23],
    ['cas register, values of every type (1, 1.0, "a", :a, 2^64, 2^64 + 1)', 'typed' as const, register, 37],
  ])('%s: 600 histories of 1–8 operations; verdicts agree with brute force, witnesses and windows are valid', (_, kind, model, seed) => {
    const rand = random(seed);
    const verdicts = { linearizable: 0, 'not linearizable': 0 };
    for (let i = 0; i < 600; i++) {
      const h = randomHistory(rand, 1 + Math.floor(rand() * 8), kind);
      const r = checkLinearizability(h, model);
      const expected = bruteForce(h, model) ? 'linearizable' : 'not linearizable';
      if (r.verdict !== expected) throw new Error(`history ${i}: got ${r.verdict}, expected ${expected}: ${dataKey(h)}`);
      verdicts[expected]++;
      if (r.verdict === 'linearizable') expect(isWitness(r.linearization, h, model)).toBe(true);
      if (r.verdict === 'not linearizable') {
        expect(r.windowMinimal).toBe(true);
        expectProvingWindow(r, model);
        // The longest partial linearization: a valid one, and none holds more ok operations.
        if (!isPartial(r.partial, h, model)) throw new Error(`history ${i}: not a partial linearization: ${dataKey(r.partial.map((s) => s.op.index))}`);
        expect(r.partial.filter((s) => s.op.status === 'ok').length).toBe(longestPartial(h, model));
      }
    }
    // Both verdicts are well represented, so neither a yes-sayer nor a no-sayer passes.
    expect(verdicts.linearizable).toBeGreaterThan(100);
    expect(verdicts['not linearizable']).toBeGreaterThan(100);
  });
});

describe('the models', () => {
  it('the cas register reads, writes and compares-and-sets, with nil at the start', () => {
    const m = casRegister();
    const s0 = m.init();
    expect(m.step(s0, { f: 'read' }, null)).toEqual({ value: null });
    expect(m.step(s0, { f: 'read' }, 0)).toBeNull();
    const s1 = m.step(s0, { f: 'write', value: [1, 2] }, null);
    expect(s1).toEqual({ value: [1, 2] });
    expect(m.step(s1 as never, { f: 'cas', from: [1, 2], to: 3 }, null)).toEqual({ value: 3 });
    expect(m.step(s1 as never, { f: 'cas', from: 1, to: 3 }, null)).toBeNull();
    expect(m.stepUnknown(s0, { f: 'read' })).toBeNull();
    expect(m.stepUnknown(s0, { f: 'cas', from: null, to: 4 })).toEqual({ value: 4 });
    expect(m.describeOperation({ f: 'cas', from: 1, to: 2 })).toBe('cas(1, 2) -> unknown');
    expect(m.describeOperation({ f: 'read' }, null)).toBe('read() -> nil');
    expect(m.describeState({ value: null })).toBe('value nil');
  });

  it('the ticket counter sells while tickets are left, then says sold out', () => {
    const m = ticketCounter(1);
    expect(m.step(1, null, 'bought')).toBe(0);
    expect(m.step(0, null, 'bought')).toBeNull();
    expect(m.step(0, null, 'sold out')).toBe(0);
    expect(m.step(1, null, 'sold out')).toBeNull();
    expect(m.stepUnknown(1, null)).toBe(0);
    expect(m.stepUnknown(0, null)).toBeNull();
    expect(() => ticketCounter(-1)).toThrow(RangeError);
  });

  it('refuse operations they have no function for, or values they cannot read, naming the operation', () => {
    const h = history([
      [0, 'buy', null, 'bought', 0, 1],
      [1, 'cas', 5, null, 2, 3],
      [2, 'buy', null, 'maybe', 4, 5],
    ]);
    expect(() => casRegister().decode(h[0] as HistoryOperation)).toThrow(/operation 0 \(process 0\): the cas register has no function 'buy'/);
    expect(() => casRegister().decode(h[1] as HistoryOperation)).toThrow(/a cas takes \[old new\], not 5/);
    expect(() => ticketCounter(1).decode(h[1] as HistoryOperation)).toThrow(HistoryError);
    expect(() => ticketCounter(1).decode(h[2] as HistoryOperation)).toThrow(/"bought" or "sold out", not "maybe"/);
    expect(ticketCounter(1).decode({ ...(h[2] as HistoryOperation), output: 'sold-out' })).toEqual({ input: null, output: 'sold out' });
  });
});

// Skipped under mutation testing (see test/mutation/vitest.config.ts): instrumented, each takes tens of seconds per mutant.
describe.skipIf(process.env.SYNC_BENCH_MUTATION === '1')('large ticket-rush histories (1 ticket) end with a verdict within a step budget', () => {
  const budget = { steps: 5_000_000 };

  it('1000 clients all asking at 0 and served one at a time, completions spread: linearizable, witness valid', () => {
    const h = ticketRushHistory({ clients: 1000, tickets: 1, readMs: 10, writeMs: 20, mode: 'serial' });
    const r = checkLinearizability(h, tickets(1), { budget });
    expect(r.verdict).toBe('linearizable');
    if (r.verdict === 'linearizable') expect(isWitness(r.linearization, h, tickets(1))).toBe(true);
  });

  it('50 clients with the doc latencies (100 ms read, 200 ms write), served one at a time: linearizable', () => {
    const h = ticketRushHistory({ clients: 50, tickets: 1, readMs: 100, writeMs: 200, mode: 'serial' });
    expect(h.at(-1)?.complete).toBe(300 + 49 * 100);
    expect(checkLinearizability(h, tickets(1), { budget }).verdict).toBe('linearizable');
  });

  it.each([50, 1000])('%i clients without coordination, all told bought: not linearizable, window = two buyers', (clients) => {
    const h = ticketRushHistory({ clients, tickets: 1, readMs: 100, writeMs: 200, mode: 'unserialised' });
    const r = checkLinearizability(h, tickets(1), { budget, windowBudget: budget });
    expect(r.verdict).toBe('not linearizable');
    if (r.verdict === 'not linearizable') {
      expect(r.window.map((o) => o.output)).toEqual(['bought', 'bought']);
      expect(r.windowMinimal).toBe(true);
    }
  });

  it('1000 clients served one at a time, but client 500 is also told bought: not linearizable, window = the two buyers', () => {
    const h = ticketRushHistory({ clients: 1000, tickets: 1, readMs: 10, writeMs: 20, mode: 'serial', oversoldAt: [500] });
    const r = checkLinearizability(h, tickets(1), { budget, windowBudget: budget });
    expect(r.verdict).toBe('not linearizable');
    if (r.verdict === 'not linearizable') {
      expect(r.window.map((o) => o.process)).toEqual([0, 500]);
      expect(r.windowMinimal).toBe(true);
    }
  });
});

describe('the budget, exactly', () => {
  const impossible = (): Row[] => [...Array.from({ length: 12 }, (_, i): Row => [i, 'write', i, i, 0, 10]), [12, 'read', null, 99, 20, 21]];
  const concurrentWrites = (): Row[] => [...Array.from({ length: 8 }, (_, i): Row => [i, 'write', i, i, 0, 10]), [8, 'read', null, 7, 20, 21]];

  it('a time budget: 0 ms gives unknown on a search of thousands of steps; a minute gives the verdict', () => {
    expect(checkLinearizability(history(impossible()), register, { budget: { ms: 0 } })).toMatchObject({ verdict: 'unknown', reason: 'budget' });
    expect(checkLinearizability(history(impossible()), register, { budget: { ms: 60_000 }, windowBudget: { ms: 60_000 } }).verdict).toBe('not linearizable');
  });

  it('a step budget: exactly the steps the search takes is enough, one fewer is not', () => {
    const h = history(concurrentWrites());
    const free = checkLinearizability(h, register, { budget: {} });
    expect(free.verdict).toBe('linearizable');
    expect(free.steps).toBeGreaterThan(1);
    expect(checkLinearizability(h, register, { budget: { steps: free.steps } }).verdict).toBe('linearizable');
    expect(checkLinearizability(h, register, { budget: { steps: free.steps - 1 } })).toMatchObject({ verdict: 'unknown', reason: 'budget' });
  });

  it('reports its cost: the steps taken and a wall time that is not negative', () => {
    const r = checkLinearizability(history(concurrentWrites()), register);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(r.elapsedMs).toBeLessThan(60_000);
  });
});
