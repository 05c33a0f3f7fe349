/**
 * The fault table's columns: mutual exclusion and the final state are judged in columns of their
 * own, so that a row says which one failed; the design column says what the fault's own recovery
 * is (a partition is not a crash).
 */
import { describe, expect, it } from 'vitest';
import { strategies } from '../strategies/registry.ts';
import { partitionDesign } from '../bench/faults/partition.ts';
import { faults } from '../bench/faults/registry.ts';
import { faultTableCells, renderFaultTerminal, type FaultRow, type FaultSuiteSettings } from '../bench/suites/fault-suite.ts';

const services = { redis: 'redis://127.0.0.1:6379', postgres: 'postgres://127.0.0.1:5432/test', rabbitmq: 'amqp://guest:guest@127.0.0.1:5672', nats: 'nats://127.0.0.1:4222' };
const settings = (fault: FaultSuiteSettings['fault']): FaultSuiteSettings => ({ fault, strategies: [], latency: 'quick', runners: ['threads'], clients: 2, threads: 2, processes: null, tickets: 2, repeat: 3, services, skipped: {} });

/** The header line, then each row's cells. */
function cells(fault: FaultSuiteSettings['fault'], rows: FaultRow[]): (readonly string[])[] {
  const table = faultTableCells(fault, rows);
  return [table.header, ...table.rows];
}

const row = (fields: Partial<FaultRow>): FaultRow => ({ strategy: 'pg-row-lock', runner: 'threads', fault: 'partition', design: 'd', repetitions: 3, othersFinished: 3, recoveryMs: null, consistent: false, userSees: ['u'], fencing: false, staleWrites: 0, ...fields });

describe('fault table columns', () => {
  it('an overlap with an intact final state shows as "mutual exclusion: NO", "final state: yes"', () => {
    const table = cells('partition', [row({ exclusionBroken: 1, stateBroken: 0 }), row({ strategy: 'redis-lease', exclusionBroken: 0, stateBroken: 2 }), row({ strategy: 'pg-serializable', exclusionBroken: null, stateBroken: 0, consistent: true })]);
    const header = table[0] ?? [];
    const [overlap, lost, serializable] = table.slice(1).map((line) => Object.fromEntries(header.map((h, i) => [h, line[i]])));
    expect(overlap).toMatchObject({ 'mutual exclusion held': 'NO (1 of 3 runs)', 'final state intact': 'yes', 'every check passed': 'NO' });
    expect(lost).toMatchObject({ 'mutual exclusion held': 'yes', 'final state intact': 'NO (2 of 3 runs)' });
    expect(serializable).toMatchObject({ 'mutual exclusion held': 'not promised', 'final state intact': 'yes', 'every check passed': 'yes' });
    expect(header).toContain('designed recovery from a partition');
    expect(header).not.toContain('designed recovery from a holder crash');
  });

  it('the terminal rendering shows the same columns', () => {
    expect(renderFaultTerminal(settings('partition'), [row({ exclusionBroken: 1, stateBroken: 0 })], 400)).toContain('NO (1 of 3');
  });

  it('a holder crash keeps its own design header', () => {
    expect(cells('crash-in-cs', [row({ fault: 'crash-in-cs' })])[0]).toContain('designed recovery from a holder crash');
  });

  it("partition's design names the server's own timer, not a dead holder's closed socket", () => {
    for (const name of ['pg-advisory', 'pg-row-lock', 'pg-serializable'] as const) {
      expect(partitionDesign(strategies[name])).toMatch(/idle_in_transaction_session_timeout/);
      expect(partitionDesign(strategies[name])).not.toBe(strategies[name].onHolderCrash);
    }
    expect(partitionDesign(strategies['redis-lease'])).toMatch(/TTL/);
    expect(faults.partition.design?.(strategies['pg-row-lock'])).not.toMatch(/connection drops/);
    expect(faults['crash-server'].design?.(strategies['redis-lease'])).toMatch(/restarts empty/);
  });
});
