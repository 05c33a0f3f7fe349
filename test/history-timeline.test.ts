/** The drawn history: a bar per operation in its client's lane, the checker's window marked, the model's states in the titles. */
import { describe, expect, it } from 'vitest';
import { casRegister } from '../bench/histories/cas-register.ts';
import { toHistory, type OperationRecord } from '../bench/histories/history.ts';
import { checkLinearizability } from '../bench/histories/linearizability.ts';
import type { Model } from '../bench/histories/model.ts';
import { keepHistory, keptToHistory } from '../bench/histories/run-history.ts';
import { ticketRushHistory } from '../bench/histories/synthetic.ts';
import { ticketCounter } from '../bench/histories/ticket-counter.ts';
import { drawHistory } from '../bench/reports/history-timeline.ts';

type AnyModel = Model<unknown, unknown, unknown>;

/** Each operation's `<g>`: its classes, bar geometry and title, by index. */
function bars(svg: string): Map<number, { classes: string[]; x: number; y: number; width: number; title: string }> {
  const out = new Map<number, { classes: string[]; x: number; y: number; width: number; title: string }>();
  for (const m of svg.matchAll(/<g class="([^"]*)" data-index="(\d+)"><title>([^<]*)<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)) {
    out.set(Number(m[2]), { classes: (m[1] as string).split(' '), title: m[3] as string, x: Number(m[4]), y: Number(m[5]), width: Number(m[6]) });
  }
  return out;
}

describe('drawHistory', () => {
  it('50 unserialised buyers of 1 ticket: every operation drawn, exactly the window red, states before and after in the titles', () => {
    const history = ticketRushHistory({ clients: 50, tickets: 1, readMs: 100, writeMs: 200, mode: 'unserialised' });
    const model = ticketCounter(1) as AnyModel;
    const result = checkLinearizability(history, model);
    if (result.verdict !== 'not linearizable') throw new Error(result.verdict);
    const drawn = bars(drawHistory(history, model, result, 'ms'));
    expect(drawn.size).toBe(50);
    const red = [...drawn].filter(([, b]) => b.classes.includes('window')).map(([i]) => i);
    expect(red).toEqual(result.window.map((op) => op.index));
    expect(red).toHaveLength(2);
    // One lane per client: 50 distinct rows; a bar spans invoke to complete (all invoked at 0, completing 1 µs apart).
    expect(new Set([...drawn.values()].map((b) => b.y)).size).toBe(50);
    const first = drawn.get(0);
    expect(first?.x).toBeCloseTo(drawn.get(49)?.x ?? NaN);
    // The longest partial linearization holds one buy: its title has the state before and after.
    expect(result.partial).toHaveLength(1);
    const linearized = [...drawn.values()].filter((b) => b.classes.includes('linearized'));
    expect(linearized).toHaveLength(1);
    expect(linearized[0]?.title).toMatch(/step 1 of the longest partial linearization: 1 ticket left → 0 tickets left/);
    expect(drawn.get(red[1] as number)?.title).toMatch(/in the window/);
  });

  it('served one at a time: linearizable, no window, each step with its states', () => {
    const history = ticketRushHistory({ clients: 3, tickets: 1, readMs: 100, writeMs: 200, mode: 'serial' });
    const model = ticketCounter(1) as AnyModel;
    const drawn = bars(drawHistory(history, model, checkLinearizability(history, model), 'ms'));
    expect([...drawn.values()].some((b) => b.classes.includes('window'))).toBe(false);
    expect(drawn.get(0)?.title).toMatch(/step 1 of the linearization: 1 ticket left → 0 tickets left/);
    expect(drawn.get(2)?.title).toMatch(/0 tickets left → 0 tickets left/);
    // Bars follow time: client 1 starts with the others at 0 but ends after client 0.
    expect((drawn.get(1)?.width ?? 0) > (drawn.get(0)?.width ?? 0)).toBe(true);
  });

  it('an unknown outcome (info) is marked as such and drawn open-ended to the end', () => {
    const records: OperationRecord[] = [
      { process: 0, f: 'write', input: 1, output: null, invoke: 0, complete: null, status: 'info' },
      { process: 1, f: 'read', input: null, output: 1, invoke: 5, complete: 6, status: 'ok' },
      { process: 2, f: 'write', input: 2, output: 2, invoke: 1, complete: 2, status: 'fail' },
    ];
    const history = toHistory(records);
    const model = casRegister() as AnyModel;
    const svg = drawHistory(history, model, checkLinearizability(history, model), 'line');
    const drawn = bars(svg);
    const info = [...drawn.values()].find((b) => b.classes.includes('info'));
    expect(info?.title).toMatch(/write\(1\).*\(outcome unknown\)/);
    expect(info?.title).toMatch(/never answered/);
    const read = [...drawn.values()].find((b) => b.title.includes('read'));
    expect((info?.x ?? 0) + (info?.width ?? 0)).toBeGreaterThan((read?.x ?? 0) + (read?.width ?? 0));
    expect([...drawn.values()].find((b) => b.classes.includes('fail'))?.title).toMatch(/failed: did not happen/);
    expect(svg).toMatch(/unknown outcome \(info\)/);
  });
});

describe('kept histories', () => {
  it('a ticket-rush history kept in a results row reads back as the same history', () => {
    const history = toHistory([
      { process: 3, f: 'buy', input: null, output: 'bought', invoke: 1.5, complete: 2.25, status: 'ok' },
      { process: 1, f: 'buy', input: null, output: null, invoke: 2, complete: null, status: 'info' },
      { process: 2, f: 'buy', input: null, output: 'sold out', invoke: 3, complete: 4, status: 'ok' },
    ]);
    expect(keptToHistory(keepHistory(history) ?? [])).toEqual(history);
  });
});
