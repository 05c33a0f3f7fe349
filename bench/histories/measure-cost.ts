/**
 * Measures what the linearizability checker costs on ticket-rush histories of 50 and 1000
 * clients (see `synthetic.ts`), correct and not. Prints, per history, the verdict, model steps and
 * the median, min and max wall time of 5 checks, ms.
 *
 * Run: `node --import tsx bench/histories/measure-cost.ts`
 */
import { checkLinearizability } from './linearizability.ts';
import { ticketRushHistory, type TicketRushHistoryOptions } from './synthetic.ts';
import { ticketCounter } from './ticket-counter.ts';

const REPEAT = 5;

const cases: { label: string; options: TicketRushHistoryOptions }[] = [
  { label: '50 clients, doc latencies, serial (a correct lock)', options: { clients: 50, tickets: 1, readMs: 100, writeMs: 200, mode: 'serial' } },
  { label: '50 clients, doc latencies, unserialised (49 oversold)', options: { clients: 50, tickets: 1, readMs: 100, writeMs: 200, mode: 'unserialised' } },
  { label: '1000 clients, quick latencies, serial', options: { clients: 1000, tickets: 1, readMs: 10, writeMs: 20, mode: 'serial' } },
  { label: '1000 clients, quick latencies, unserialised (999 oversold)', options: { clients: 1000, tickets: 1, readMs: 10, writeMs: 20, mode: 'unserialised' } },
  { label: '1000 clients, quick latencies, serial but client 500 also told bought', options: { clients: 1000, tickets: 1, readMs: 10, writeMs: 20, mode: 'serial', oversoldAt: [500] } },
  { label: '1000 clients, 10 tickets, serial', options: { clients: 1000, tickets: 10, readMs: 10, writeMs: 20, mode: 'serial' } },
];

for (const { label, options } of cases) {
  const history = ticketRushHistory(options);
  const model = ticketCounter(options.tickets);
  const times: number[] = [];
  let summary = '';
  for (let r = 0; r < REPEAT; r++) {
    const started = performance.now();
    const result = checkLinearizability(history, model, { budget: { ms: 60_000 } });
    times.push(performance.now() - started);
    summary = `${result.verdict}, ${result.steps} steps${result.verdict === 'not linearizable' ? `, window of ${result.window.length}` : ''}`;
  }
  times.sort((a, b) => a - b);
  const ms = (x: number | undefined) => (x ?? NaN).toFixed(1);
  process.stdout.write(`${label}: ${summary}; ${ms(times[REPEAT >> 1])} ms median [${ms(times[0])}–${ms(times[REPEAT - 1])}]\n`);
}
